import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram } from '../../src/metrics/histogram.js';
import { latencySummaryMs, percentileMs } from '../../src/metrics/percentiles.js';

test('an empty histogram (or none) has count 0 and null figures, not zeros', () => {
  const empty = { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  assert.deepEqual(latencySummaryMs(createHistogram()), empty);
  assert.deepEqual(latencySummaryMs(undefined), empty);
  assert.equal(percentileMs(createHistogram(), 99), null);
});

test('figures are milliseconds from microsecond recordings, within HdrHistogram precision', () => {
  const h = createHistogram();
  // 1..1000 ms, one value each: p50 ≈ 500 ms, p90 ≈ 900 ms, p99 ≈ 990 ms, p99.9 ≈ 999 ms, max 1000 ms.
  for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000);
  const s = latencySummaryMs(h);
  assert.equal(s.count, 1000);
  const near = (got: number | null, want: number) =>
    assert.ok(got !== null && Math.abs(got - want) <= want * 0.001 + 0.001, `${got} ≈ ${want}`);
  near(s.p50, 500);
  near(s.p90, 900);
  near(s.p99, 990);
  near(s.p999, 999);
  near(s.max, 1000);
  near(s.mean, 500.5);
  assert.ok(s.max! >= 1000, 'max is the top of the highest bucket: never below the real max');
});
