import { createSignInClient } from '../src/load/signin-client.js';
import { WorkerLoop } from '../src/load/worker-loop.js';
import type { WorkerResult, WorkerTask } from '../src/load/worker-protocol.js';

/** piscina entry: run this worker's share of the schedule and resolve with its totals. */
export default function signin(task: WorkerTask): Promise<WorkerResult> {
  return new WorkerLoop(task, createSignInClient(task.request)).run();
}
