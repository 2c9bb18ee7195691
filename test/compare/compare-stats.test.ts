import assert from 'node:assert/strict';
import { test } from 'node:test';
import { valueCounts } from '../../src/compare/compare-samples.js';
import {
  blockLength,
  bootstrapRng,
  chunk,
  countAtPercentile,
  identityPicks,
  medianAt,
  percentileInterval,
  poolBlocks,
  pooledPercentiles,
  quantile,
  resample,
  strataOf,
  sumPicks,
} from '../../src/compare/compare-stats.js';
import { histogram } from '../report/fixture.js';

test('countAtPercentile follows HdrHistogram: ceil(p/100 × total), at least 1, no float overshoot', () => {
  assert.equal(countAtPercentile(99, 2400), 2376); // 0.99 × 2400 is 2376.0000000000005 in floating point
  assert.equal(countAtPercentile(50, 3), 2);
  assert.equal(countAtPercentile(100, 7), 7);
  assert.equal(countAtPercentile(0, 5), 1);
  assert.equal(countAtPercentile(99, 150), 149);
});

test('pooled percentiles add the picked blocks bucket by bucket (a block may be picked twice)', () => {
  const pool = poolBlocks([
    { values: [10, 20, 30], counts: [1, 1, 1] },
    { values: [20, 40], counts: [2, 1] },
  ]);
  assert.deepEqual([...pool.grid], [10, 20, 30, 40]);
  // Block 0 alone: 3 values, the median is the 2nd (20), the max 30.
  assert.deepEqual(pooledPercentiles(pool, [0], [50, 100]), [20, 30]);
  // Both: 10×1, 20×3, 30×1, 40×1. p50 needs 3 → 20; p99 needs ceil(5.94) = 6 → 40.
  assert.deepEqual(pooledPercentiles(pool, [0, 1], [50, 99]), [20, 40]);
  // Block 1 twice: 20×4, 40×2. p50 needs 3 → 20; p90 needs ceil(5.4) = 6 → 40.
  assert.deepEqual(pooledPercentiles(pool, [1, 1], [50, 90]), [20, 40]);
  assert.deepEqual(pooledPercentiles(pool, [], [50]), [null]);
});

test('pooling a real histogram over all its blocks reproduces HdrHistogram’s own percentiles', () => {
  const parts = [histogram(), histogram(), histogram()];
  let x = 12345;
  for (let i = 0; i < 3000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    parts[i % 3]!.recordValue(5_000 + (x % 200_000));
  }
  const whole = histogram();
  for (const p of parts) whole.add(p);
  const pool = poolBlocks(parts.map(valueCounts));
  assert.equal(pool.blocks.length, 3);
  const ps = [0.1, 50, 90, 99, 99.9, 100];
  assert.deepEqual(
    pooledPercentiles(pool, identityPicks(3), ps),
    ps.map((p) => whole.getValueAtPercentile(p)),
  );
});

test('sumPicks adds vectors of the picked blocks', () => {
  const v = [Float64Array.of(1, 0), Float64Array.of(2, 5)];
  assert.deepEqual([...sumPicks(v, [0, 1, 1], 2)], [5, 10]);
});

test('chunks are consecutive items of one stratum; a stratum boundary always ends a chunk', () => {
  assert.deepEqual(chunk(['a', 'a', 'a', 'b', 'b'], 1), [[0], [1], [2], [3], [4]]);
  assert.deepEqual(chunk(['a', 'a', 'a', 'b', 'b'], 3), [
    [0, 1, 2],
    [3, 4],
  ]);
  assert.deepEqual(chunk(['a', 'a', 'b', 'b', 'b', 'b'], 3), [[0, 1], [2, 3, 4], [5]]);
  assert.deepEqual(strataOf(['a', 'a', 'b', 'a']), [[0, 1, 3], [2]]);
});

test('moving blocks: each stratum is refilled to its size from runs of n^(1/3) neighbours, reproducibly', () => {
  assert.deepEqual([1, 2, 7, 8, 27, 64, 400].map(blockLength), [1, 1, 2, 2, 3, 4, 7]);
  const warm = [0, 1];
  const steady = Array.from({ length: 27 }, (_, i) => i + 2);
  const strata = [warm, steady];
  const one = resample(strata, bootstrapRng(7));
  assert.equal(one.length, 29);
  assert.ok(
    [...one.slice(0, 2)].every((i) => i === 0 || i === 1),
    'warm-up drawn from warm-up only',
  );
  const rest = [...one.slice(2)];
  assert.ok(
    rest.every((i) => i >= 2 && i <= 28),
    'steady drawn from steady only',
  );
  for (let j = 0; j < 27; j += 3) {
    assert.deepEqual(rest.slice(j, j + 3), [rest[j]!, rest[j]! + 1, rest[j]! + 2], 'runs of 3 neighbours');
  }
  assert.deepEqual([...resample(strata, bootstrapRng(7))], [...one]);
  const rng = bootstrapRng(7);
  const draws = Array.from({ length: 20 }, () => [...resample(strata, rng)].join());
  assert.ok(new Set(draws).size > 15, 'successive draws differ');
});

test('medianAt takes the median of the picked values, skipping NaN', () => {
  const v = Float64Array.of(5, Number.NaN, 1, 3, 100);
  assert.equal(medianAt(v, [0, 2, 3]), 3);
  assert.equal(medianAt(v, [0, 2, 3, 4]), 4); // (3 + 5) / 2
  assert.equal(medianAt(v, [1, 2, 2]), 1);
  assert.ok(Number.isNaN(medianAt(v, [1])));
});

test('the percentile interval interpolates between order statistics and skips NaN', () => {
  const values = [...Array.from({ length: 100 }, (_, i) => 100 - i), Number.NaN];
  const ci = percentileInterval(values, 0.9)!;
  // Sorted 1..100: position 99 × 0.05 = 4.95 → 5.95; 99 × 0.95 = 94.05 → 95.05.
  assert.ok(Math.abs(ci[0] - 5.95) < 1e-9 && Math.abs(ci[1] - 95.05) < 1e-9, `got ${ci}`);
  assert.equal(percentileInterval([Number.NaN], 0.95), null);
  assert.equal(quantile([3], 0.5), 3);
});
