/** What each pool worker is handed: its share of the arrivals, its own slice of users, its part of the caps. */
import type { Target } from '../targets/target.js';
import type { UserTableData } from '../users/user-table.js';
import type { LoadPlan } from './load-plan.js';
import { ownedShares } from './schedule/scheduled-count.js';
import { sendCapFor } from './worker/send-cap.js';
import { userRange } from './worker/user-table.js';
import type { WorkerTask } from './worker-protocol.js';

/** A task without what only the pool knows: the port it reports on and, once set, the run's time zero. */
export type WorkerTaskBase = Omit<WorkerTask, 'port' | 'startEpochMs'>;

/** The task of worker `workerId` (of this shard), picking up the schedule at `resumeAtMs`. */
export function workerTask(
  plan: LoadPlan,
  target: Target,
  users: UserTableData,
  workerId: number,
  resumeAtMs: number,
): WorkerTaskBase {
  const shardFactor = 1 / (plan.shard?.count ?? 1);
  return {
    workerId,
    share: ownedShares(plan.workers, plan.shard)[workerId]!,
    resumeAtMs,
    schedule: { phases: plan.phases, arrivals: plan.arrivals, seed: plan.seed },
    intervalMs: plan.intervalMs,
    lateThresholdMs: plan.lateThresholdMs,
    request: {
      ...target.request,
      connections: Math.max(1, Math.ceil(plan.connections / plan.workers)),
      timeoutMs: plan.timeoutMs,
    },
    runId: plan.runId ?? 'run',
    correlation: plan.correlation ?? 'sample',
    // Disjoint ranges, so no two workers (or shards) pace the same account; the bytes are shared, not copied.
    users,
    userRange: userRange(
      users.count,
      (plan.shard?.index ?? 0) * plan.workers + workerId,
      plan.workers * (plan.shard?.count ?? 1),
    ),
    wrongPasswordShare: plan.wrongPasswordShare,
    ...(plan.pacing ? { pacing: plan.pacing } : {}),
    ...(plan.maxRate ? { sendCap: sendCapFor(plan.maxRate * shardFactor, plan.workers, workerId) } : {}),
    drainMs: plan.timeoutMs,
  };
}
