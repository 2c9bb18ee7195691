import { createHistogram, type Histogram } from './histogram.js';
import { type LatencySummaryMs, latencySummaryMs, percentileMs } from './percentiles.js';

export type { Histogram };
export { percentileMs };

/** Latency figures in ms (count, p50, p90, p99, p999, max, mean); null figures when there were no replies. */
export type LatencyStats = LatencySummaryMs;
export const latencyStatsMs = latencySummaryMs;

/**
 * An empty histogram with the run-wide settings, so anything recorded or decoded adds into it exactly.
 * Run-long totals use 64-bit counts so a long soak cannot wrap a bucket.
 */
export function newHistogram(width: 32 | 64 = 32): Histogram {
  return createHistogram(width);
}

const toMs = (us: number): number => Math.round(us) / 1000;

/** The figures a time series shows per interval (no mean: HdrHistogram computes it by walking every value). */
export type IntervalLatency = Pick<LatencyStats, 'count' | 'p50' | 'p90' | 'p99' | 'max'>;

export function intervalLatencyMs(h: Histogram): IntervalLatency {
  if (h.totalCount === 0) return { count: 0, p50: null, p90: null, p99: null, max: null };
  return {
    count: h.totalCount,
    p50: toMs(h.getValueAtPercentile(50)),
    p90: toMs(h.getValueAtPercentile(90)),
    p99: toMs(h.getValueAtPercentile(99)),
    max: toMs(h.getValueAtPercentile(100)),
  };
}

export interface CurvePoint {
  /** 0..100 */
  readonly percentile: number;
  readonly valueMs: number;
}

/**
 * Points of the percentile distribution the way HdrHistogram plots it: x is 1/(1−p) on a log axis, so
 * 90 %, 99 %, 99.9 % are evenly spaced. Sampled every 0.1 decade while the sample count still resolves
 * it, then the max placed at 1 − 1/count.
 */
export function percentileCurveMs(h: Histogram): CurvePoint[] {
  const count = h.totalCount;
  if (count === 0) return [];
  const decades = Math.log10(count);
  const points: CurvePoint[] = [];
  for (let step = 0; step / 10 < decades; step++) {
    const percentile = 100 * (1 - 10 ** (-step / 10));
    points.push({
      percentile: roundPercentile(percentile),
      valueMs: toMs(h.getValueAtPercentile(percentile)),
    });
  }
  const last = roundPercentile(100 * (1 - 1 / Math.max(count, 2)));
  if (points.length === 0 || points[points.length - 1]!.percentile < last) {
    points.push({ percentile: last, valueMs: toMs(h.getValueAtPercentile(100)) });
  }
  return points;
}

function roundPercentile(p: number): number {
  return Math.round(p * 1e6) / 1e6;
}
