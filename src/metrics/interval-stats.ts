import { OUTCOMES, type Outcome } from '../outcome.js';
import { decodeHistogram } from './histogram.js';
import { type Histogram, type IntervalLatency, intervalLatencyMs, newHistogram } from './latency.js';
import { naturalSort } from './natural-order.js';
import {
  type GeneratorSample,
  type IntervalRecord,
  parseSeriesTag,
  type SeriesTag,
  TENANT,
} from './types.js';

export type OutcomeCounts = Record<Outcome, number>;

export function zeroOutcomes(): OutcomeCounts {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
}

interface AgentIntervalStats extends IntervalLatency {
  readonly byOutcome: OutcomeCounts;
}

/** One interval reduced to the numbers the time series, CSV files and charts show. */
export interface IntervalStats {
  readonly index: number;
  readonly startS: number;
  readonly endS: number;
  readonly phase: string;
  readonly targetRate: number;
  readonly sent: number;
  readonly completed: number;
  /** Replies per second in the interval (any outcome): what the tenant actually answered. */
  readonly achievedRate: number;
  readonly successRate: number;
  readonly inFlight: number;
  readonly lateStarts: number;
  readonly maxSlipMs: number;
  readonly activeAgents: readonly string[];
  readonly byOutcome: OutcomeCounts;
  /** Every reply of the interval, whichever agent (or none) served it. */
  readonly tenant: IntervalLatency;
  /** Replies attributed to a named agent (the `tenant` key, i.e. unattributed replies, is not an agent). */
  readonly agents: Readonly<Record<string, AgentIntervalStats>>;
  /** Arrivals the seeded schedule drew for the interval; null in folders of earlier versions. */
  readonly scheduled: number | null;
  /** Arrivals not sent because too many sign-ins already waited for a connection (bounded admission). */
  readonly saturated: number;
  /** Length of the interval as a share of a full one (the last is often partial): rates weigh by it. */
  readonly weight: number;
  /** The generator's own health; null in folders of earlier versions. */
  readonly generator: GeneratorSample | null;
  /** Schedule slip p99 of the interval's sends, ms; null when not recorded. */
  readonly slipP99Ms: number | null;
  /** Service time (actual send → last byte) of every reply, uncorrected; null when not recorded. */
  readonly service: IntervalLatency | null;
}

export interface IntervalHistograms {
  /** Every reply of the interval. */
  readonly tenant: Histogram;
  readonly success: Histogram;
  readonly agents: ReadonlyMap<string, Histogram>;
}

/** Merges an interval's tagged histograms tenant-wide and per agent (fresh histograms; inputs untouched). */
export function mergeInterval(histograms: ReadonlyMap<SeriesTag, Histogram>): IntervalHistograms {
  const tenant = newHistogram();
  const success = newHistogram();
  const agents = new Map<string, Histogram>();
  for (const [tag, h] of histograms) {
    const split = parseSeriesTag(tag);
    if (!split || h.totalCount === 0) continue;
    tenant.add(h);
    if (split.outcome === 'success') success.add(h);
    if (split.agent === TENANT) continue;
    let agent = agents.get(split.agent);
    if (!agent) {
      agent = newHistogram();
      agents.set(split.agent, agent);
    }
    agent.add(h);
  }
  return { tenant, success, agents };
}

/** The record's service-time histograms decoded, per agent and tenant-wide; undefined when not recorded. */
export function serviceHistograms(
  record: IntervalRecord,
): { tenant: Histogram; agents: Map<string, Histogram> } | undefined {
  if (record.service === undefined) return undefined;
  const tenant = newHistogram();
  const agents = new Map<string, Histogram>();
  for (const [agent, encoded] of Object.entries(record.service)) {
    const h = decodeHistogram(encoded);
    tenant.add(h);
    if (agent !== TENANT) agents.set(agent, h);
  }
  return { tenant, agents };
}

export function intervalStats(
  record: IntervalRecord,
  histograms: ReadonlyMap<SeriesTag, Histogram>,
  merged: IntervalHistograms = mergeInterval(histograms),
  intervalMs?: number,
): IntervalStats {
  const byOutcome = zeroOutcomes();
  const agentOutcomes = new Map<string, OutcomeCounts>();
  for (const [tag, h] of histograms) {
    const split = parseSeriesTag(tag);
    if (!split) continue;
    byOutcome[split.outcome] += h.totalCount;
    if (split.agent === TENANT) continue;
    const counts = agentOutcomes.get(split.agent) ?? zeroOutcomes();
    counts[split.outcome] += h.totalCount;
    agentOutcomes.set(split.agent, counts);
  }
  const service = serviceHistograms(record);
  const agents: Record<string, AgentIntervalStats> = {};
  for (const name of naturalSort(merged.agents.keys())) {
    const own = service?.agents.get(name);
    agents[name] = {
      ...intervalLatencyMs(merged.agents.get(name)!),
      byOutcome: agentOutcomes.get(name)!,
      ...(own ? { service: intervalLatencyMs(own) } : {}),
    };
  }
  const lengthS = Math.max(record.endMs - record.startMs, 1) / 1000;
  const slip = record.slip === undefined ? undefined : decodeHistogram(record.slip);
  return {
    index: record.index,
    startS: record.startMs / 1000,
    endS: record.endMs / 1000,
    phase: record.phase,
    targetRate: record.targetRate,
    sent: record.sent,
    completed: record.completed,
    achievedRate: round3(record.completed / lengthS),
    successRate: round3(byOutcome.success / lengthS),
    inFlight: record.inFlight,
    lateStarts: record.lateStarts,
    maxSlipMs: record.maxSlipUs / 1000,
    activeAgents: record.activeAgents,
    byOutcome,
    tenant: intervalLatencyMs(merged.tenant),
    agents,
    scheduled: record.scheduled ?? null,
    saturated: record.saturated ?? 0,
    weight:
      intervalMs === undefined || intervalMs <= 0
        ? 1
        : round3(Math.min(1, (record.endMs - record.startMs) / intervalMs)),
    generator: record.generator ?? null,
    slipP99Ms: slip === undefined || slip.totalCount === 0 ? null : slip.getValueAtPercentile(99) / 1000,
    service: service ? intervalLatencyMs(service.tenant) : null,
  };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
