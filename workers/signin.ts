import { createSignInClient } from '../src/load/worker/signin-client.js';
import { WorkerLoop } from '../src/load/worker/worker-loop.js';
import type { WorkerResult, WorkerTask } from '../src/load/worker-protocol.js';

/**
 * Fault injection for the test of worker replacement: the first worker of a run dies this many ms after it
 * starts. Not a user setting; nothing reads it unless it is set.
 */
const FAULT_EXIT_MS = Number(process.env.PTALOAD_FAULT_WORKER_EXIT_MS ?? '');

/** piscina entry: run this worker's share of the schedule and resolve with its totals. */
export default function signin(task: WorkerTask): Promise<WorkerResult> {
  if (FAULT_EXIT_MS > 0 && task.workerId === 0 && task.resumeAtMs === 0) {
    setTimeout(() => {
      throw new Error('injected worker fault');
    }, FAULT_EXIT_MS);
  }
  return new WorkerLoop(task, (users, onReply) =>
    createSignInClient(task.request, users, task.runId, onReply),
  ).run();
}
