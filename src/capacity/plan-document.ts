/** plan.json's shape: the document a plan is built into and rendered from. */
import type { KneePoint, KneeResult, KneeRule } from './knee.js';
import type { Plan, Redundancy } from './plan.js';
import type { PlanSource } from './plan-inputs.js';

/**
 * found: a judged step failed above a passing one. stopped: the sweep ended the ramp at limits no looser than
 * the plan's, in a step too short to judge, so the step below is the knee. lower-bound: nothing failed; the
 * ramp ended first, so capacity is at least the knee. none: no knee (first step failed, or no step to judge).
 */
export type KneeStatus = 'found' | 'stopped' | 'lower-bound' | 'none';
type RuleSource = 'flag' | 'sweep' | 'default';

export interface CountKnee {
  readonly agents: number;
  readonly runs: readonly string[];
  readonly status: KneeStatus;
  readonly kneePerS: number | null;
  readonly kneeTargetPerS: number | null;
  readonly perAgentPerS: number | null;
  readonly usedInFit: boolean;
  /** The status in words, for tables. */
  readonly why: string;
  readonly knee: KneeResult;
  /** The intervals judged, runs joined by an idle (target 0) point. */
  readonly points: readonly KneePoint[];
  /** For each of knee.steps, the index in `runs` of the run it was played in. Absent in plans of earlier versions. */
  readonly stepRuns?: readonly number[];
}

export interface PlanRequest {
  readonly peakPerS: number;
  readonly headroom: number;
  readonly redundancy: Redundancy;
  /** As the user wrote it: N+1, site:3… */
  readonly redundancyText: string;
  readonly sloP99Ms?: number;
  readonly maxErrorRate?: number;
}

/** plan.json: every number the recommendation rests on, from the intervals up. */
export interface PlanDocument {
  readonly planVersion: 1;
  readonly createdAt: string;
  readonly tool: { readonly name: 'ptaload'; readonly version: string };
  readonly request: PlanRequest & { readonly maxAgents: number; readonly minAgents: number };
  readonly rule: Required<KneeRule> & {
    readonly source: { readonly sloP99Ms: RuleSource; readonly maxErrorRate: RuleSource };
    readonly text: string;
  };
  readonly sources: readonly PlanSource[];
  readonly counts: readonly CountKnee[];
  /** The simulator's configured capacity per agent when every run agrees; null for a real tenant. */
  readonly configuredPerAgentPerS: number | null;
  readonly plan: Plan;
  /** The recommendation's arithmetic, one step a line, from plan's own numbers. */
  readonly arithmetic: readonly string[];
  /** The recommendation in plain words. */
  readonly summary: readonly string[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}
