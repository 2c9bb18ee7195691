import { ERROR_OUTCOMES, type Outcome } from '../outcome.js';
import type { Threshold, ThresholdMetric } from '../profile/schema.js';

/** What a threshold can be judged on, for the tenant or one agent. Pure data plus a percentile lookup. */
export interface ScopeFigures {
  /** Replies of any outcome. */
  readonly count: number;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
  /** Latency at a percentile (0..100) in ms; null when there were no replies. */
  percentileMs(p: number): number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
}

export interface ThresholdFigures {
  readonly tenant: ScopeFigures;
  /** Named agents that served at least one reply. */
  readonly agents: ReadonlyMap<string, ScopeFigures>;
  /** Achieved / target rate over the run; null when nothing was scheduled. */
  readonly throughput: number | null;
}

export interface ThresholdVerdict {
  readonly expression: string;
  readonly ok: boolean;
  /** The measured figure (ms for latencies, a fraction for rates and throughput); null when there is none. */
  readonly value: number | null;
  readonly unit: 'ms' | 'fraction';
  /** For `each-agent`: the agent with the worst value. */
  readonly agent?: string;
  /** Why a threshold could not be judged (it then fails: an unverifiable limit is not a pass). */
  readonly reason?: string;
}

export function evaluateThresholds(
  thresholds: readonly Threshold[],
  figures: ThresholdFigures,
): ThresholdVerdict[] {
  return thresholds.map((t) => evaluate(t, figures));
}

function evaluate(t: Threshold, figures: ThresholdFigures): ThresholdVerdict {
  const unit = unitOf(t.metric);
  const base = { expression: t.expression, unit } as const;
  if (t.metric.kind === 'throughput') {
    if (t.scope.kind !== 'tenant')
      return { ...base, ok: false, value: null, reason: 'throughput is tenant-wide only' };
    const value = figures.throughput;
    if (value === null) return { ...base, ok: false, value, reason: 'no load was scheduled' };
    return { ...base, ok: compare(value, t.op, t.value), value };
  }
  if (t.scope.kind === 'tenant') return judge(t, figures.tenant, base);
  if (t.scope.kind === 'agent') {
    const agent = figures.agents.get(t.scope.name);
    if (!agent) {
      return {
        ...base,
        ok: false,
        value: null,
        reason: `agent ${t.scope.name} served no replies in this run`,
      };
    }
    return judge(t, agent, base);
  }
  if (figures.agents.size === 0) {
    return {
      ...base,
      ok: false,
      value: null,
      reason: 'no replies were attributed to an agent (a real tenant does not name its agents)',
    };
  }
  const verdicts = [...figures.agents].map(([name, f]) => ({ name, verdict: judge(t, f, base) }));
  const failing = verdicts.filter((v) => !v.verdict.ok);
  const pool = failing.length > 0 ? failing : verdicts;
  // The worst agent is the one furthest on the wrong side: highest for an upper limit, lowest for a lower one.
  const upper = t.op === '<' || t.op === '<=';
  const worst = pool.reduce((a, b) => {
    const av = a.verdict.value;
    const bv = b.verdict.value;
    if (av === null) return a;
    if (bv === null) return b;
    return (upper ? bv > av : bv < av) ? b : a;
  });
  return { ...worst.verdict, ok: failing.length === 0, agent: worst.name };
}

function judge(
  t: Threshold,
  f: ScopeFigures,
  base: { expression: string; unit: 'ms' | 'fraction' },
): ThresholdVerdict {
  const value = measure(t.metric, f);
  if (value === null) return { ...base, ok: false, value, reason: 'no replies to judge' };
  return { ...base, ok: compare(value, t.op, t.value), value };
}

function measure(metric: ThresholdMetric, f: ScopeFigures): number | null {
  switch (metric.kind) {
    case 'percentile':
      return f.percentileMs(metric.p);
    case 'max':
      return f.maxMs;
    case 'mean':
      return f.meanMs;
    case 'rate':
      return share(f, metric.outcomes);
    case 'error_rate':
      return share(f, ERROR_OUTCOMES);
    case 'throughput':
      return null;
  }
}

function share(f: ScopeFigures, outcomes: readonly Outcome[]): number | null {
  if (f.count === 0) return null;
  return outcomes.reduce((sum, o) => sum + f.byOutcome[o], 0) / f.count;
}

function unitOf(metric: ThresholdMetric): 'ms' | 'fraction' {
  return metric.kind === 'percentile' || metric.kind === 'max' || metric.kind === 'mean' ? 'ms' : 'fraction';
}

function compare(value: number, op: Threshold['op'], limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
  }
}
