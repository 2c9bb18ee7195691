import { OUTCOMES, type Outcome } from '../outcome.js';
import { type Histogram, type IntervalLatency, intervalLatencyMs, newHistogram } from './latency.js';
import { type IntervalRecord, parseSeriesTag, type SeriesTag, TENANT } from './types.js';

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

export function intervalStats(
  record: IntervalRecord,
  histograms: ReadonlyMap<SeriesTag, Histogram>,
  merged: IntervalHistograms = mergeInterval(histograms),
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
  const agents: Record<string, AgentIntervalStats> = {};
  for (const name of [...merged.agents.keys()].sort()) {
    agents[name] = { ...intervalLatencyMs(merged.agents.get(name)!), byOutcome: agentOutcomes.get(name)! };
  }
  const lengthS = Math.max(record.endMs - record.startMs, 1) / 1000;
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
  };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
