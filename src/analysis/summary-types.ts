import type { IntervalStats, OutcomeCounts } from '../metrics/interval-stats.js';
import type { CurvePoint, LatencyStats } from '../metrics/latency.js';
import type { RunStatus } from '../results/run-info.js';
import type { AttributedSummary } from './attributed.js';
import type { FailoverFigures } from './failover.js';
import type { GeneratorVerdict } from './generator-health.js';
import type { ThresholdVerdict } from './thresholds-eval.js';

/** summary.json. Latencies in ms, times in s since the run's start, rates per second, shares as fractions. */
export interface Summary {
  readonly summaryVersion: 1;
  readonly runId: string;
  readonly profile: string;
  readonly tool: { readonly name: 'ptaload'; readonly version: string };
  readonly target: { readonly kind: 'sim' | 'entra'; readonly url: string; readonly tenant: string };
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Span covered by the recorded intervals. */
  readonly durationS: number;
  readonly intervalS: number;
  readonly intervals: number;
  readonly requests: {
    readonly sent: number;
    /** Replies of any outcome (client timeouts and network errors included). */
    readonly completed: number;
    readonly inFlightAtEnd: number;
    /** Replies that named no agent (keyed `tenant`): every reply of a real tenant, throttling in the sim… */
    readonly unattributed: number;
    /** Every outcome class, zeros included. */
    readonly byOutcome: OutcomeCounts;
    /** Replies in ERROR_OUTCOMES and their share of completed. */
    readonly errors: number;
    readonly errorRate: number | null;
  };
  /** AADSTS codes seen, verbatim, with counts. */
  readonly codes: Readonly<Record<string, number>>;
  readonly throughput: {
    /** Mean scheduled arrival rate over the run. */
    readonly targetPerS: number;
    readonly sentPerS: number;
    /** Replies per second (any outcome). */
    readonly achievedPerS: number;
    readonly successPerS: number;
    /**
     * Replies / scheduled arrivals (achieved / mean target rate in folders without the schedule's counts): what
     * the `throughput` threshold judges.
     */
    readonly achievedShare: number | null;
    /** Arrivals the seeded schedule drew (null in folders of earlier versions). */
    readonly scheduled?: number | null;
    readonly scheduledPerS?: number | null;
    /** sent / scheduled: 1 when the generator sent every arrival the schedule drew. */
    readonly sentOfScheduled?: number | null;
    /** replies / scheduled. */
    readonly achievedOfScheduled?: number | null;
    /** The busiest full interval (partial intervals never count). */
    readonly peakIntervalPerS: number;
    readonly peakIntervalAtS: number | null;
  };
  /** Per-agent figures from Entra's sign-in logs, when `ptaload attribute` has been run on the folder. */
  readonly attributed?: AttributedSummary;
  readonly latencyMs: {
    /** Every reply, whichever its outcome. */
    readonly tenant: LatencyStats;
    readonly tenantSuccess: LatencyStats;
    readonly agents: Readonly<Record<string, LatencyStats>>;
    /**
     * Service time, actual send → last byte (not corrected for coordinated omission: the tenant's own time);
     * absent in folders of earlier versions. Corrected − service is time spent waiting for the schedule.
     */
    readonly service?: {
      readonly tenant: LatencyStats;
      readonly agents: Readonly<Record<string, LatencyStats>>;
    };
  };
  readonly agents: Readonly<Record<string, AgentSummary>>;
  readonly phases: readonly PhaseSummary[];
  readonly schedule: {
    readonly lateStarts: number;
    readonly maxSlipMs: number;
    /** Latencies outside the histogram range, recorded at the nearest bound. */
    readonly clamped: number;
    /** p99 of schedule slip over every send (absent in folders of earlier versions). */
    readonly slipP99Ms?: number | null;
  };
  /** The generator judging itself (absent in summaries of earlier versions). */
  readonly generator?: GeneratorVerdict;
  readonly thresholds: readonly ThresholdVerdict[];
  /** True when every threshold holds (and vacuously when there are none). */
  readonly passed: boolean;
  readonly events: readonly FailoverFigures[];
  readonly failoverRules: string;
  readonly notes: readonly string[];
}

export interface AgentSummary {
  readonly requests: number;
  /** Of all agent-attributed replies. */
  readonly share: number;
  readonly byOutcome: OutcomeCounts;
  readonly version: string | null;
  readonly site: string | null;
  /** Start of the first and end of the last interval in which it answered. */
  readonly firstSeenS: number;
  readonly lastSeenS: number;
}

export interface PhaseSummary {
  readonly name: string;
  readonly startS: number;
  readonly endS: number;
  readonly targetPerS: number;
  readonly achievedPerS: number;
  readonly errorRate: number | null;
  readonly latencyMs: LatencyStats;
}

/** Everything the renderers need: the summary, the per-interval series and the percentile curves. */
export interface Analysis {
  readonly summary: Summary;
  readonly series: readonly IntervalStats[];
  readonly curves: {
    readonly tenant: readonly CurvePoint[];
    readonly agents: Readonly<Record<string, readonly CurvePoint[]>>;
  };
}
