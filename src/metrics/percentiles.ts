import type { Histogram } from './histogram.js';

/**
 * Latency figures in milliseconds (histograms hold µs), rounded to the µs. An empty histogram gives count 0
 * and null figures: "no replies" must not read as "0 ms", which a chart or a threshold would take as perfect.
 */
export interface LatencySummaryMs {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  /** The highest value's bucket top, as HdrHistogram reports max (identical whether recorded or decoded). */
  readonly max: number | null;
  readonly mean: number | null;
}

export function latencySummaryMs(histogram: Histogram | undefined): LatencySummaryMs {
  if (histogram === undefined || histogram.totalCount === 0) {
    return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  }
  return {
    count: histogram.totalCount,
    p50: percentileMs(histogram, 50),
    p90: percentileMs(histogram, 90),
    p99: percentileMs(histogram, 99),
    p999: percentileMs(histogram, 99.9),
    max: percentileMs(histogram, 100),
    mean: usToMs(histogram.mean),
  };
}

/** Any percentile (0–100) in ms, or null when the histogram is empty. */
export function percentileMs(histogram: Histogram, percentile: number): number | null {
  if (histogram.totalCount === 0) return null;
  return usToMs(histogram.getValueAtPercentile(percentile));
}

function usToMs(us: number): number {
  return Math.round(us) / 1000;
}
