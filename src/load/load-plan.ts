/** What one run of load is handed, resolved and typed: the schedule, the generator's settings, the agent timeline. */
import type { Phase, TimelineEvent } from '../profile/schema.js';
import type { PacingSpec } from './worker/credentials.js';

export interface LoadPlan {
  readonly phases: readonly Phase[];
  readonly arrivals: 'uniform' | 'poisson';
  readonly seed: number;
  readonly intervalMs: number;
  readonly lateThresholdMs: number;
  readonly workers: number;
  readonly connections: number;
  readonly timeoutMs: number;
  readonly wrongPasswordShare: number;
  readonly pacing?: PacingSpec;
  /** Hard ceiling on sends per second across the run (real tenants), split between workers and shards. */
  readonly maxRate?: number;
  readonly timeline: readonly TimelineEvent[];
  /** How long to wait for in-flight replies after a stop is asked. */
  readonly stopGraceMs: number;
  /** This harness's slice when sharded (users and 1/n of the rate). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Names the run's correlation ids (run.json's runId); default `run`. */
  readonly runId?: string;
  /** Which successes the correlation file keeps: a seeded sample (default) or all of them. */
  readonly correlation?: 'all' | 'sample';
}
