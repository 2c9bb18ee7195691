/** A Prometheus histogram metric, registered in a prom-client registry, whose buckets come from HDR histograms. */
import type { Metric, Histogram as PromHistogram } from 'prom-client';
import type { Histogram } from '../metrics/histogram.js';
import { addToBuckets, type BucketCounts, emptyBuckets, LATENCY_BUCKETS_S } from './latency-buckets.js';

type Labels = Record<string, string>;
/** The value records prom-client's own Histogram returns (the type is not exported by name). */
type Collected = Awaited<ReturnType<PromHistogram['get']>>;
type Value = Collected['values'][number];

/**
 * prom-client's own Histogram takes one `observe()` per sample; the harness already holds every sample in HDR
 * histograms per interval, so this metric adds those into cumulative bucket counts and hands prom-client the
 * same value records its Histogram would (`_bucket` with `le`, `_sum`, `_count`). The registry then formats,
 * serves and merges it like any of its own metrics.
 */
export class HdrHistogramMetric {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, { labels: Labels; buckets: BucketCounts }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  add(labels: Labels, histogram: Histogram): void {
    const key = JSON.stringify(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, buckets: emptyBuckets() };
      this.series.set(key, entry);
    }
    addToBuckets(entry.buckets, histogram);
  }

  collect(): void {}

  reset(): void {
    this.series.clear();
  }

  async get(): Promise<Collected> {
    const values: Value[] = [];
    for (const { labels, buckets } of this.series.values()) {
      let cumulative = 0;
      LATENCY_BUCKETS_S.forEach((le, i) => {
        cumulative += buckets.perBucket[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      });
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...labels, le: '+Inf' },
        value: buckets.count,
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: buckets.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: buckets.count });
    }
    // prom-client's typings declare a numeric enum, its registry writes the string into `# TYPE`.
    const type = this.type as unknown as Collected['type'];
    return { name: this.name, help: this.help, type, aggregator: this.aggregator, collect: () => {}, values };
  }

  /** What Registry.registerMetric takes: it only calls get() (and reset() on resetMetrics). */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
