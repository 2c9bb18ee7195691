import { ResultsError } from '../errors.js';
import { addCountersInto, zeroCounters } from './counters.js';
import { addEncodedInto } from './encoded.js';
import { createHistogram, encodeHistogram, type Histogram } from './histogram.js';
import type { IntervalData } from './totals.js';
import type { IntervalRecord, SeriesTag } from './types.js';

/** One shard's run as `ptaload merge` reads it: its interval length and its intervals by index. */
export interface ShardRun {
  /** Names the shard in error messages (its results folder). */
  readonly label: string;
  readonly intervalMs: number;
  readonly intervals: readonly (IntervalData & { readonly index: number })[];
}

interface MergedShardInterval extends IntervalData {
  readonly index: number;
  readonly histograms: Map<SeriesTag, Histogram>;
  /** Labels of the shards that had this interval. */
  readonly shards: readonly string[];
}

export interface MergedShards {
  readonly intervalMs: number;
  /** Ascending by index; an index no shard has is absent. */
  readonly intervals: readonly MergedShardInterval[];
}

/**
 * Adds shards' intervals of the same index (each shard's index 0 is its own start: shards of one Indexed Job
 * start together). Histograms add exactly; counters as in mergeCounters. Inputs are not modified.
 */
export function mergeShards(shards: readonly ShardRun[]): MergedShards {
  const first = shards[0];
  if (first === undefined) throw new ResultsError('ptaload merge needs at least one results folder.');
  for (const shard of shards) {
    if (shard.intervalMs !== first.intervalMs) {
      throw new ResultsError(
        `${shard.label}: interval length ${shard.intervalMs} ms differs from ${first.label}'s ${first.intervalMs} ms; ` +
          'shards can only be merged when every one ran with the same interval (the profile’s interval setting).',
      );
    }
  }
  const byIndex = new Map<
    number,
    { counters: ReturnType<typeof zeroCounters>; histograms: Map<SeriesTag, Histogram>; shards: string[] }
  >();
  for (const shard of shards) {
    const seen = new Set<number>();
    for (const interval of shard.intervals) {
      if (seen.has(interval.index)) {
        throw new ResultsError(
          `${shard.label}: interval ${interval.index} appears twice; the results folder is damaged (rerun the shard or remove it from the merge).`,
        );
      }
      seen.add(interval.index);
      let merged = byIndex.get(interval.index);
      if (merged === undefined) {
        merged = { counters: zeroCounters(), histograms: new Map(), shards: [] };
        byIndex.set(interval.index, merged);
      }
      merged.shards.push(shard.label);
      addCountersInto(merged.counters, interval.counters);
      for (const [tag, histogram] of interval.histograms) {
        let into = merged.histograms.get(tag);
        if (into === undefined) {
          into = createHistogram(64);
          merged.histograms.set(tag, into);
        }
        into.add(histogram);
      }
    }
  }
  const intervals = [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, m]) => ({ index, counters: m.counters, histograms: m.histograms, shards: m.shards }));
  return { intervalMs: first.intervalMs, intervals };
}

/**
 * The same interval's records from several shards as one: counters add, the time span covers all, target rates
 * add (each shard records the share of the rate it was given), active agents are the union, and the phase is
 * kept when all agree (else joined with `+`).
 */
export function mergeIntervalRecords(records: readonly IntervalRecord[]): IntervalRecord {
  const first = records[0];
  if (first === undefined) throw new ResultsError('no interval records to merge.');
  const counters = zeroCounters();
  const agents = new Set<string>();
  const phases: string[] = [];
  let startMs = first.startMs;
  let endMs = first.endMs;
  let targetRate = 0;
  for (const record of records) {
    if (record.index !== first.index) {
      throw new ResultsError(
        `interval records of different intervals (${first.index} and ${record.index}) cannot be merged.`,
      );
    }
    addCountersInto(counters, record);
    for (const agent of record.activeAgents) agents.add(agent);
    if (!phases.includes(record.phase)) phases.push(record.phase);
    startMs = Math.min(startMs, record.startMs);
    endMs = Math.max(endMs, record.endMs);
    targetRate += record.targetRate;
  }
  return {
    ...counters,
    ...mergeExtraHistograms(records),
    index: first.index,
    startMs,
    endMs,
    targetRate,
    activeAgents: [...agents].sort(),
    phase: phases.join('+'),
  };
}

/** Slip and service-time histograms of one interval from several shards, added exactly. */
function mergeExtraHistograms(records: readonly IntervalRecord[]): Pick<IntervalRecord, 'slip' | 'service'> {
  let slip: Histogram | undefined;
  const service = new Map<string, Histogram>();
  for (const record of records) {
    if (record.slip !== undefined) {
      slip ??= createHistogram();
      addEncodedInto(slip, record.slip);
    }
    for (const [agent, encoded] of Object.entries(record.service ?? {})) {
      const into = service.get(agent) ?? createHistogram();
      addEncodedInto(into, encoded);
      service.set(agent, into);
    }
  }
  return {
    ...(slip ? { slip: encodeHistogram(slip) } : {}),
    ...(service.size > 0
      ? { service: Object.fromEntries([...service].map(([agent, h]) => [agent, encodeHistogram(h)])) }
      : {}),
  };
}
