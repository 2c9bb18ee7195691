import type { Outcome } from '../outcome.js';
import { accumulateCounters, zeroCounters } from './counters.js';
import { type CountWidth, createHistogram, type Histogram } from './histogram.js';
import { type IntervalCounters, parseSeriesTag, type SeriesTag } from './types.js';

/** What totals need of an interval: MergedInterval and merged shard intervals both fit. */
export interface IntervalData {
  readonly counters: IntervalCounters;
  readonly histograms: ReadonlyMap<SeriesTag, Histogram>;
}

/** A new histogram holding the sum of the given ones (exact: same settings, bucket by bucket). Inputs untouched. */
export function addHistograms(histograms: Iterable<Histogram>, width: CountWidth = 64): Histogram {
  const sum = createHistogram(width);
  for (const h of histograms) sum.add(h);
  return sum;
}

/** One interval's (or one run's) series seen from the three angles reports use. */
export interface Rollup {
  /** Every series added: the tenant-wide distribution (all agents, including the unattributed `tenant` key). */
  readonly all: Histogram;
  readonly byAgent: Map<string, Histogram>;
  /** Tenant-wide per outcome class. */
  readonly byOutcome: Map<Outcome, Histogram>;
}

/**
 * Sums series per agent, per outcome and overall. `outcomes` keeps only those classes (e.g. only `success`
 * for a latency SLO that ignores failures); default all.
 */
export function rollup(series: ReadonlyMap<SeriesTag, Histogram>, outcomes?: readonly Outcome[]): Rollup {
  const all = createHistogram(64);
  const byAgent = new Map<string, Histogram>();
  const byOutcome = new Map<Outcome, Histogram>();
  for (const [tag, histogram] of series) {
    const parsed = parseSeriesTag(tag);
    if (parsed === undefined) continue;
    if (outcomes !== undefined && !outcomes.includes(parsed.outcome)) continue;
    all.add(histogram);
    addInto(byAgent, parsed.agent, histogram);
    addInto(byOutcome, parsed.outcome, histogram);
  }
  return { all, byAgent, byOutcome };
}

/**
 * A run's totals, accumulated interval by interval so the coordinator keeps one histogram per series rather
 * than every interval (memory stays flat however long the run). Roll-ups are derived on demand.
 */
export class RunTotals {
  readonly series = new Map<SeriesTag, Histogram>();
  private total: IntervalCounters = zeroCounters();
  private count = 0;
  private cached: Rollup | undefined;

  add(interval: IntervalData): void {
    this.total = accumulateCounters(this.total, interval.counters);
    this.count++;
    for (const [tag, histogram] of interval.histograms) addInto(this.series, tag, histogram);
    this.cached = undefined;
  }

  /** Counts over the run; `inFlight` is the last interval's, `maxSlipUs` the worst. */
  get counters(): IntervalCounters {
    return this.total;
  }

  get intervals(): number {
    return this.count;
  }

  get all(): Histogram {
    return this.rolled().all;
  }

  get byAgent(): Map<string, Histogram> {
    return this.rolled().byAgent;
  }

  get byOutcome(): Map<Outcome, Histogram> {
    return this.rolled().byOutcome;
  }

  private rolled(): Rollup {
    this.cached ??= rollup(this.series);
    return this.cached;
  }
}

/** Totals of a finished list of intervals (e.g. read back from a results folder). */
export function totals(intervals: Iterable<IntervalData>): RunTotals {
  const run = new RunTotals();
  for (const interval of intervals) run.add(interval);
  return run;
}

function addInto<K>(map: Map<K, Histogram>, key: K, histogram: Histogram): void {
  let into = map.get(key);
  if (into === undefined) {
    into = createHistogram(64);
    map.set(key, into);
  }
  into.add(histogram);
}
