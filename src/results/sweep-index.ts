/** A sweep folder's index: one results folder per agent count (and per probe of its knee), and how the sweep went. */

/** The file a sweep folder's index lives in. */
export const SWEEP_FILE = 'sweep.json';

/** One probe of a count's knee: a short run at one rate, between the bracket's rates at the time. */
export interface SweepProbe {
  /** Results folder, relative to the sweep folder. */
  readonly dir: string;
  readonly targetPerS: number;
  /** The bracket the probe split: capacity lay at or above lowerPerS and below upperPerS. */
  readonly lowerPerS: number;
  readonly upperPerS: number;
  status: string;
  /** How the knee rule judged the probe's held rate (unjudged: too few intervals, e.g. interrupted). */
  verdict?: 'pass' | 'fail' | 'unjudged';
}

/** Where a count's knee ended up after its probes (sweeps with `refine`). */
export interface SweepKnee {
  readonly kneePerS: number | null;
  readonly lowerPerS: number | null;
  readonly upperPerS: number | null;
  /** (upper − knee) / knee, as the plan states it. */
  readonly errorShare: number | null;
  /** Why the probes stopped. */
  readonly why: string;
}

/** sweep.json: the index of a capacity sweep's folder, one results folder per agent count. */
export interface SweepIndex {
  readonly sweepVersion: 1;
  readonly profile: string;
  readonly agentCounts: readonly number[];
  readonly settleMs: number;
  readonly stopWhen: { readonly p99Ms?: number; readonly errorRate?: number };
  /** The knee refinement asked for (absent: the ramp's steps only; sweeps before 0.2 never have it). */
  readonly refine?: { readonly within: number; readonly probes: number; readonly holdMs: number };
  readonly startedAt: string;
  endedAt?: string;
  status: 'running' | 'completed' | 'interrupted' | 'failed';
  readonly runs: {
    agents: number;
    dir: string;
    status: string;
    achievedPerS: number;
    stoppedEarly: boolean;
    probes?: SweepProbe[];
    knee?: SweepKnee;
  }[];
}
