/** A sweep folder's index: one results folder per agent count, and how the sweep went. */

/** The file a sweep folder's index lives in. */
export const SWEEP_FILE = 'sweep.json';

/** sweep.json: the index of a capacity sweep's folder, one results folder per agent count. */
export interface SweepIndex {
  readonly sweepVersion: 1;
  readonly profile: string;
  readonly agentCounts: readonly number[];
  readonly settleMs: number;
  readonly stopWhen: { readonly p99Ms?: number; readonly errorRate?: number };
  readonly startedAt: string;
  endedAt?: string;
  status: 'running' | 'completed' | 'interrupted' | 'failed';
  readonly runs: {
    agents: number;
    dir: string;
    status: string;
    achievedPerS: number;
    stoppedEarly: boolean;
  }[];
}
