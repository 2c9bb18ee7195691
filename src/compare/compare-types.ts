import type { Outcome } from '../outcome.js';
import type { RunStatus } from '../results/run-info.js';
import type { AttributedPair } from './compare-attributed.js';

/** What a change may be before it counts, and how the noise around it is estimated. */
export interface CompareRules {
  /** Allowed relative rise of p50 latency (0.1 = +10 %). */
  readonly maxP50Increase: number;
  readonly maxP99Increase: number;
  /** Allowed relative fall of achieved throughput (0.05 = −5 %). */
  readonly maxThroughputDrop: number;
  /** Allowed rise of an error rate in absolute terms (0.005 = +0.5 percentage points). */
  readonly maxErrorRateIncrease: number;
  /** Two-sided confidence of the intervals (0.95). */
  readonly confidence: number;
  /** Bootstrap resamples. */
  readonly replicates: number;
  /** Seeds the resampling: the same folders and rules always give the same verdict. */
  readonly seed: number;
}

export const DEFAULT_RULES: CompareRules = {
  maxP50Increase: 0.1,
  maxP99Increase: 0.1,
  maxThroughputDrop: 0.05,
  maxErrorRateIncrease: 0.005,
  confidence: 0.95,
  replicates: 2000,
  seed: 1,
};

/**
 * p50, p99: the typical percentile of a unit of time (judged). *_run: over the whole compared span, as the
 * run reports show them (context). throughput, error_rate and errors:<class>: ratios over the span.
 */
export type MetricId =
  | 'p50'
  | 'p99'
  | 'p50_run'
  | 'p90_run'
  | 'p99_run'
  | 'max_run'
  | 'throughput'
  | 'error_rate'
  | `errors:${Outcome}`;

/**
 * regression: the whole confidence interval is beyond the allowed margin (worse side).
 * within-noise: the estimate is beyond the margin but the interval reaches back inside it.
 * improved: the whole interval is beyond the margin on the better side.
 * ok: anything else that was judged. not-judged: shown for context (whole-run percentiles, per-agent
 * throughput, scopes outside --agent) or too little data to judge. no-data: one side has no replies for it.
 */
export type MetricStatus = 'regression' | 'within-noise' | 'ok' | 'improved' | 'not-judged' | 'no-data';

export interface MetricComparison {
  readonly metric: MetricId;
  readonly label: string;
  /** Unit of baseline/candidate: ms, per second, or a fraction of replies. */
  readonly unit: 'ms' | 'per_s' | 'fraction';
  readonly baseline: number | null;
  readonly candidate: number | null;
  /** relative: candidate/baseline − 1. points: candidate − baseline (fractions; 0.01 = 1 pp). */
  readonly changeKind: 'relative' | 'points';
  readonly change: number | null;
  readonly ci: readonly [number, number] | null;
  /** The margin in the direction that hurts: +0.1 for latency, −0.05 for throughput, +0.005 for errors. */
  readonly allowed: number | null;
  readonly status: MetricStatus;
  /** The rule applied, in words: `p99 +34 % (95 % CI +28…+41 %) > +10 % allowed → regression`. */
  readonly rule: string;
}

export type MatchKind = 'name' | 'version' | 'position';

export interface ScopeSide {
  readonly name: string;
  readonly version: string | null;
  readonly site: string | null;
  readonly replies: number;
}

export interface ScopeComparison {
  /** `tenant`, or the agent's name (baseline name when the two differ). */
  readonly scope: string;
  /** `tenant`, `agent-4`, or `agent-4 → pta-07` when renamed. */
  readonly label: string;
  readonly kind: 'tenant' | 'agent';
  /** How the agents were paired; absent for the tenant. */
  readonly matchedBy?: MatchKind;
  readonly baseline: ScopeSide;
  readonly candidate: ScopeSide;
  /** False when --agent leaves this scope out of the verdict (still shown for context). */
  readonly judged: boolean;
  readonly regression: boolean;
  readonly metrics: readonly MetricComparison[];
}

export interface RunRef {
  readonly dir: string;
  readonly runId: string;
  readonly profile: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly toolVersion: string;
  readonly durationS: number;
  readonly intervalS: number;
  /** Span of the run the comparison used (both runs are cut to their common span when one stopped early). */
  readonly comparedS: readonly [number, number];
  readonly intervalsCompared: number;
  /** Intervals joined into one slot (1 unless the run is long). */
  readonly intervalsPerSlot: number;
  readonly replies: number;
}

/** The verdict object: what `--json` prints and compare.md/compare.html show. */
export interface Comparison {
  readonly compareVersion: 1;
  readonly baseline: RunRef;
  readonly candidate: RunRef;
  readonly rules: CompareRules;
  /** The statistical rule in one paragraph (also in compare.md and the README). */
  readonly method: string;
  /** --agent, when given. */
  readonly agent: string | null;
  readonly regression: boolean;
  /** One line: `REGRESSION: agent-4 p50 +23 % (…); tenant-wide: no regression`. */
  readonly headline: string;
  readonly tenant: ScopeComparison;
  readonly agents: readonly ScopeComparison[];
  readonly unmatched: { readonly baseline: readonly string[]; readonly candidate: readonly string[] };
  /** Things that weaken the comparison: an interrupted run, forced different profiles, too few intervals. */
  readonly warnings: readonly string[];
  /** Differences between the runs worth knowing (agent versions, thresholds…), and the runs' own notes. */
  readonly notes: readonly string[];
  /** Per-agent figures from both runs' sign-in logs, when both were attributed (shown, not judged). */
  readonly attributed?: readonly AttributedPair[];
}
