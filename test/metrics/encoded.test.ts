import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { addEncodedInto } from '../../src/metrics/encoded.js';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  HIGHEST_US,
} from '../../src/metrics/histogram.js';
import { latencySummaryMs } from '../../src/metrics/percentiles.js';
import { latencySampler, seededRandom } from './seeded-random.js';

test('adding an encoded histogram equals decoding it and adding, bucket for bucket', () => {
  const pick = seededRandom(21);
  for (let round = 0; round < 20; round++) {
    const latency = latencySampler(100 + round, 10 ** (1 + pick() * 6));
    const source = createHistogram();
    const n = 1 + Math.floor(pick() * 3000);
    for (let i = 0; i < n; i++) source.recordValue(latency());
    if (round % 3 === 0) source.recordValue(0);
    if (round % 4 === 0) source.recordValue(HIGHEST_US);
    // Counts that need 2, 3, 4 and 5 LEB128 bytes.
    if (round === 5)
      for (const c of [200, 40_000, 3_000_000, 2 ** 31 + 7]) source.recordValueWithCount(777 + (c % 13), c);
    const base = createHistogram(64);
    base.recordValue(5000);
    const viaDecode = createHistogram(64);
    viaDecode.add(base);
    const fast = createHistogram(64);
    fast.add(base);
    const encoded = encodeHistogram(source);
    viaDecode.add(decodeHistogram(encoded, 64));
    addEncodedInto(fast, encoded);
    assert.equal(fast.totalCount, viaDecode.totalCount, `round ${round}`);
    assert.equal(encodeHistogram(fast), encodeHistogram(viaDecode), `round ${round}`);
    assert.deepEqual(latencySummaryMs(fast), latencySummaryMs(viaDecode), `round ${round}`);
  }
});

test('an encoded histogram with other settings still adds (through the library), not silently wrong', () => {
  const coarse = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
  });
  coarse.recordValue(123_456);
  coarse.recordValue(7);
  const target = createHistogram();
  addEncodedInto(target, hdr.encodeIntoCompressedBase64(coarse));
  assert.equal(target.totalCount, 2);
  assert.ok(Math.abs(target.getValueAtPercentile(100) - 123_456) < 123_456 * 0.01);
});

test('garbage is an error, not an empty histogram', () => {
  assert.throws(() => addEncodedInto(createHistogram(), 'bm90IGEgaGlzdG9ncmFt'));
});
