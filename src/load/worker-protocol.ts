import type { MessagePort } from 'node:worker_threads';
import type { WorkerSnapshot } from '../metrics/types.js';
import type { RequestSpec } from '../transport/request-spec.js';
import type { UserTableData } from '../users/user-table.js';
import type { PacingSpec } from './worker/credentials.js';
import type { SendCapSpec } from './worker/send-cap.js';
import type { SignInRow } from './worker/signin-rows.js';

/**
 * What the coordinator hands each pool worker: its share of the run, everything it needs to sign in, and a
 * port to report on. Plain data (structured-cloned across threads), except the port, which is transferred, and the
 * users' shared buffers, which are shared.
 */
export interface WorkerTask {
  readonly workerId: number;
  /** Which share of the global arrival sequence this worker owns (index of count). */
  readonly share: { readonly index: number; readonly count: number };
  /**
   * Epoch ms (sub-ms precision) of the run's time zero; every worker measures against it. Absent at the start
   * of a run: the worker then says `ready` once loaded and waits for `start`, so no worker's start-up eats
   * into the schedule.
   */
  readonly startEpochMs?: number;
  /** Skip arrivals intended before this run-relative time (a replacement worker picks up where the lost one was). */
  readonly resumeAtMs: number;
  readonly schedule: {
    readonly phases: readonly unknown[];
    readonly arrivals: 'uniform' | 'poisson';
    readonly seed: number;
  };
  readonly intervalMs: number;
  readonly lateThresholdMs: number;
  readonly request: RequestSpec;
  /** Names the run's correlation ids (see correlation-id.ts). */
  readonly runId: string;
  /** Which successes are written down by correlation id (failures always are). */
  readonly correlation: 'all' | 'sample';
  /** Every user of the run in shared memory (not copied per worker), and the range this worker owns. */
  readonly users: UserTableData;
  readonly userRange: { readonly from: number; readonly to: number };
  readonly wrongPasswordShare: number;
  readonly pacing?: PacingSpec;
  /** This worker's share of the run's rate cap (real tenants): a hard ceiling whatever the schedule asks. */
  readonly sendCap?: SendCapSpec;
  /** Extra time to wait for in-flight replies once the schedule is done or a stop is asked. */
  readonly drainMs: number;
  readonly port: MessagePort;
}

/** Worker → coordinator. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly workerId: number }
  /** The last message on the port: everything before it has been delivered (ports keep order; the task result does not). */
  | { readonly type: 'done'; readonly workerId: number }
  | { readonly type: 'snapshot'; readonly snapshot: WorkerSnapshot }
  /** Sign-ins written down by correlation id since the last such message (sent just before each snapshot). */
  | { readonly type: 'signins'; readonly rows: readonly SignInRow[] }
  | { readonly type: 'throttled'; readonly retryAfterS: number };

/** Coordinator → worker. */
export type CoordinatorMessage =
  | { readonly type: 'start'; readonly startEpochMs: number }
  | { readonly type: 'stop'; readonly graceMs: number }
  | { readonly type: 'pause'; readonly untilMs: number };

/** What a worker's task resolves with when its share is done. */
export interface WorkerResult {
  readonly workerId: number;
  readonly sent: number;
  readonly completed: number;
  /** Requests abandoned without a reply because the run was stopped. */
  readonly abandoned: number;
  readonly skipped: number;
  /**
   * Why arrivals were skipped: paused on a 429, no user free under pacing, over the rate cap, or the
   * generator saturated (too many already waiting for a connection; absent in older results).
   */
  readonly skippedBy?: {
    readonly paused: number;
    readonly paced: number;
    readonly capped: number;
    readonly saturated?: number;
  };
  readonly lastIndex: number;
}
