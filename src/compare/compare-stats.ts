import { Rng } from '../seeded-random.js';

/**
 * The statistics behind `ptaload compare`, pure and small enough to check by hand.
 *
 * The unit of resampling is a block of consecutive intervals, never a single sign-in: latencies inside an
 * interval move together (a queue that builds up, a pause of the generator or the host), so treating
 * sign-ins as independent would make every interval look far more certain than it is and turn noise
 * into "regressions". Resampling whole intervals keeps that correlation inside each draw.
 */

/** Bucket values (µs, ascending) of a latency pool and, per block, which buckets it fills and how much. */
export interface PooledBlocks {
  readonly grid: Float64Array;
  readonly blocks: readonly SparseCounts[];
}

/** Counts in some buckets of a grid: `at[i]` is a grid position, `counts[i]` how many replies fell there. */
interface SparseCounts {
  readonly at: Uint32Array;
  readonly counts: Float64Array;
}

/** A latency distribution as ascending values with their counts (an HdrHistogram's non-empty buckets). */
export interface ValueCounts {
  readonly values: readonly number[];
  readonly counts: readonly number[];
}

/** Puts blocks (each a ValueCounts) on one shared grid of values, so resampled blocks add by position. */
export function poolBlocks(blocks: readonly ValueCounts[]): PooledBlocks {
  const all = new Set<number>();
  for (const b of blocks) for (const v of b.values) all.add(v);
  const grid = Float64Array.from([...all].sort((a, b) => a - b));
  const position = new Map<number, number>(Array.from(grid, (v, i) => [v, i]));
  return {
    grid,
    blocks: blocks.map((b) => ({
      at: Uint32Array.from(b.values, (v) => position.get(v)!),
      counts: Float64Array.from(b.counts),
    })),
  };
}

/**
 * Values at the given percentiles (0..100, ascending) of the blocks picked (an index may repeat), pooled.
 * HdrHistogram's rule, so an unresampled pick of every block reproduces the report's figures exactly: the
 * value of the first bucket whose cumulative count reaches ceil(p/100 × total), at least 1. Null when empty.
 */
export function pooledPercentiles(
  pool: PooledBlocks,
  picks: ArrayLike<number>,
  percentiles: readonly number[],
  scratch: Float64Array = new Float64Array(pool.grid.length),
): (number | null)[] {
  scratch.fill(0);
  let total = 0;
  for (let k = 0; k < picks.length; k++) {
    const block = pool.blocks[picks[k]!]!;
    for (let i = 0; i < block.at.length; i++) {
      scratch[block.at[i]!]! += block.counts[i]!;
      total += block.counts[i]!;
    }
  }
  if (total === 0) return percentiles.map(() => null);
  const out: (number | null)[] = [];
  let cumulative = 0;
  let pos = -1;
  for (const p of percentiles) {
    const needed = countAtPercentile(p, total);
    while (cumulative < needed && pos < scratch.length - 1) cumulative += scratch[++pos]!;
    out.push(pool.grid[pos]!);
  }
  return out;
}

/** How many values lie at or below percentile p of `total` (HdrHistogram's rounding, ulp-safe). */
export function countAtPercentile(p: number, total: number): number {
  const fp = (Math.min(p, 100) / 100) * total;
  return Math.max(Math.ceil(fp - ulp(fp)), 1);
}

function ulp(x: number): number {
  return x === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
}

/** Sum of `vectors[i]` over the picked blocks, element by element. */
export function sumPicks(
  vectors: readonly Float64Array[],
  picks: ArrayLike<number>,
  width: number,
): Float64Array {
  const out = new Float64Array(width);
  for (let k = 0; k < picks.length; k++) {
    const v = vectors[picks[k]!]!;
    for (let i = 0; i < width; i++) out[i]! += v[i]!;
  }
  return out;
}

/**
 * Splits items (in time order, labelled by stratum) into chunks of up to `size` consecutive items of one
 * stratum; a stratum's last chunk may be shorter. Returns each chunk's item indexes.
 */
export function chunk(labels: readonly string[], size: number): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  labels.forEach((label, i) => {
    if (current.length > 0 && (current.length >= size || labels[current[0]!] !== label)) {
      chunks.push(current);
      current = [];
    }
    current.push(i);
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Item indexes grouped by stratum label (in order of first appearance), each group in time order. */
export function strataOf(labels: readonly string[]): number[][] {
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const g = groups.get(label) ?? [];
    g.push(i);
    groups.set(label, g);
  });
  return [...groups.values()];
}

/** Block length of a moving-block bootstrap over n items: the usual n^(1/3), at least 1. */
export function blockLength(n: number): number {
  return Math.min(n, Math.max(1, Math.round(Math.cbrt(n))));
}

/**
 * One moving-block resample, stratified: each stratum is rebuilt to its own length from runs of
 * blockLength consecutive items starting at random places. Runs of neighbours keep what spans a few
 * intervals (a stall, a queue draining) together, so resamples vary as much as real runs do; stratifying
 * by phase keeps every resample's mix of warm-up and steady load the same as the run's.
 */
export function resample(strata: readonly (readonly number[])[], rng: Rng): Uint32Array {
  const out = new Uint32Array(strata.reduce((n, g) => n + g.length, 0));
  let k = 0;
  for (const group of strata) {
    const len = blockLength(group.length);
    let filled = 0;
    while (filled < group.length) {
      const start = Math.floor(rng.nextOpen01() * (group.length - len + 1));
      for (let j = 0; j < len && filled < group.length; j++, filled++) out[k++] = group[start + j]!;
    }
  }
  return out;
}

/** Median of `values` at the picked indexes (NaN entries skipped); NaN when none are left. */
export function medianAt(values: Float64Array, picks: ArrayLike<number>, scratch?: Float64Array): number {
  const buf = scratch ?? new Float64Array(picks.length);
  let n = 0;
  for (let k = 0; k < picks.length; k++) {
    const v = values[picks[k]!]!;
    if (!Number.isNaN(v)) buf[n++] = v;
  }
  if (n === 0) return Number.NaN;
  const sorted = buf.subarray(0, n).sort();
  return quantile(sorted, 0.5);
}

/** Every item once, in order: the point estimate. */
export function identityPicks(count: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => i);
}

/** A seeded generator for the resampling, so the same folders and options give the same verdict. */
export function bootstrapRng(seed: number): Rng {
  return new Rng(seed);
}

/**
 * The equal-tailed percentile interval of bootstrap replicates (NaN entries, from resamples where a figure
 * had no data, are skipped). Linear interpolation between order statistics. Null when nothing is left.
 */
export function percentileInterval(
  replicates: ArrayLike<number>,
  confidence: number,
): readonly [number, number] | null {
  const sorted = Float64Array.from(replicates).filter((x) => !Number.isNaN(x));
  if (sorted.length === 0) return null;
  sorted.sort();
  const tail = (1 - confidence) / 2;
  return [quantile(sorted, tail), quantile(sorted, 1 - tail)];
}

/** Quantile q (0..1) of ascending values, interpolating linearly between neighbours. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
