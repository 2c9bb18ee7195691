/** Prometheus histogram buckets for sign-in latency, filled from HDR histograms without replaying samples. */
import * as hdr from 'hdr-histogram-js';
import { decodeHistogram, encodeHistogram, type Histogram } from '../metrics/histogram.js';

/**
 * Upper bounds in seconds, 1 ms to 60 s on a 1-2-5 ladder: a PTA sign-in takes ~100 ms and more on a healthy
 * agent, a queueing one climbs through seconds, and Entra gives up on an agent after ~10 s (80002), so the
 * ladder is finest where the SLO lives and still resolves the timeout wall. 17 buckets plus +Inf keeps the
 * series count per agent × outcome small enough for 40 agents.
 */
export const LATENCY_BUCKETS_S = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 60,
] as const;

/** Cumulative-ready counts: `perBucket[i]` holds values in (bound[i-1], bound[i]]; the last slot is +Inf. */
export interface BucketCounts {
  readonly perBucket: number[];
  count: number;
  /** Seconds. */
  sum: number;
}

export function emptyBuckets(): BucketCounts {
  return { perBucket: new Array<number>(LATENCY_BUCKETS_S.length + 1).fill(0), count: 0, sum: 0 };
}

const BOUNDS_US = LATENCY_BUCKETS_S.map((s) => s * 1_000_000);

/**
 * Adds a histogram of µs latencies into `into`. Walks the HDR counts between the lowest and highest recorded
 * value (a few thousand slots), so an interval of 16,000 replies costs the same as one of ten. A value is
 * placed by the lowest value of its HDR slot: a bound's own value always counts in its bucket, and only values
 * within HDR's resolution (0.1 %) above a bound can count below it.
 */
export function addToBuckets(into: BucketCounts, histogram: Histogram): void {
  if (histogram.totalCount === 0) return;
  const h = histogram instanceof hdr.JsHistogram ? histogram : decodeHistogram(encodeHistogram(histogram));
  if (!(h instanceof hdr.JsHistogram)) return;
  const first = h.countsArrayIndex(h.minNonZeroValue);
  const last = Math.min(h.countsArrayIndex(h.maxValue), h.countsArrayLength - 1);
  let bucket = 0;
  for (let i = first; i <= last; i++) {
    const n = h.getCountAtIndex(i);
    if (n === 0) continue;
    const value = h.valueFromIndex(i);
    while (bucket < BOUNDS_US.length && value > BOUNDS_US[bucket]!) bucket++;
    into.perBucket[bucket]! += n;
    into.count += n;
    into.sum += (n * h.medianEquivalentValue(value)) / 1_000_000;
  }
}
