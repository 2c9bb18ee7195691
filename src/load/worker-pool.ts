/** The pool of sign-in workers: one port each, time zero once all are loaded, stop and pause messages, replacements. */
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { WorkerSnapshot } from '../metrics/types.js';
import type { RunClock } from './clock.js';
import type { SignInRow } from './worker/signin-rows.js';
import type { CoordinatorMessage, WorkerMessage, WorkerResult, WorkerTask } from './worker-protocol.js';
import type { WorkerTaskBase } from './worker-tasks.js';

const WORKER_FILE = fileURLToPath(
  new URL(`../../workers/signin${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const MAX_REPLACEMENTS = 5;

/** Runs one worker task to its end: piscina threads in a run, plain functions on in-thread ports in tests. */
export interface TaskRunner {
  run(task: WorkerTask): Promise<WorkerResult>;
  destroy(): Promise<void>;
}

/**
 * The real runner: a fixed set of threads running workers/signin, one task per thread at a time. The
 * threads start loading at once, so a caller may start them before the target is ready (idle threads do
 * not keep the process alive).
 */
export function startWorkerThreads(workers: number): TaskRunner {
  const pool = new Piscina({
    filename: WORKER_FILE,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 1,
  });
  return {
    run: (task) => pool.run(task, { transferList: [task.port as never] }),
    destroy: () => pool.destroy(),
  };
}

/** A worker whose task failed (its thread died or threw). */
export interface WorkerLoss {
  readonly workerId: number;
  readonly error: unknown;
  /** Run time (ms since time zero, 0 before it) at which the loss was seen. */
  readonly atMs: number;
  /** Whether a replacement takes over the worker's share from `atMs` on. */
  readonly replaced: boolean;
}

/** What the pool tells the coordinator. Called in the order the messages arrive. */
export interface PoolEvents {
  /** Every worker is loaded and waiting for time zero (not called once the pool is stopping). */
  ready(): void;
  snapshot(snapshot: WorkerSnapshot): void;
  /** Sign-ins a worker wrote down by correlation id (sent just before its snapshot). */
  signIns?(rows: readonly SignInRow[]): void;
  throttled(retryAfterS: number): void;
  /** Called before the replacement, if any, is started. */
  lost(loss: WorkerLoss): void;
}

export interface WorkerPoolOptions {
  readonly workers: number;
  readonly time: RunClock;
  readonly taskFor: (workerId: number, resumeAtMs: number) => WorkerTaskBase;
  /** A worker lost at or after this run time is not replaced: its share of the schedule is over. */
  readonly scheduleEndMs: number;
  readonly events: PoolEvents;
  readonly runner?: TaskRunner;
}

/**
 * Starts every worker, says when all are ready, hands their messages on, and replaces a lost worker (up to
 * five times each) by a new one that resumes its share where the lost one was. A stop, once asked, also
 * reaches workers whose port opens later, so a stop asked before the start still stops every worker.
 */
export class WorkerPool {
  private readonly ports = new Map<number, MessagePort>();
  private readonly readyIds = new Set<number>();
  private readonly results: WorkerResult[] = [];
  private readonly runner: TaskRunner;
  private stopMessage: CoordinatorMessage | undefined;
  private lost = 0;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.runner = opts.runner ?? startWorkerThreads(opts.workers);
  }

  get stopping(): boolean {
    return this.stopMessage !== undefined;
  }

  get lostWorkers(): number {
    return this.lost;
  }

  /** Runs every worker's share to its end; resolves with their results, in the order they finished. */
  async run(): Promise<readonly WorkerResult[]> {
    await Promise.all(Array.from({ length: this.opts.workers }, (_, id) => this.startWorker(id, 0, 0)));
    return this.results;
  }

  /** Tells every worker the run's time zero. */
  start(startEpochMs: number): void {
    this.broadcast({ type: 'start', startEpochMs });
  }

  /** Asks every worker, now and later, to stop, waiting `graceMs` for replies in flight. Only the first call counts. */
  stop(graceMs: number): void {
    if (this.stopMessage) return;
    this.stopMessage = { type: 'stop', graceMs };
    this.broadcast(this.stopMessage);
  }

  broadcast(message: CoordinatorMessage): void {
    for (const port of this.ports.values()) port.postMessage(message);
  }

  destroy(): Promise<void> {
    return this.runner.destroy();
  }

  private startWorker(workerId: number, resumeAtMs: number, attempt: number): Promise<void> {
    const { time } = this.opts;
    const channel = new MessageChannel();
    let delivered!: () => void;
    const allDelivered = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    channel.port1.on('message', (msg: WorkerMessage) => this.onMessage(msg, delivered));
    this.ports.set(workerId, channel.port1);
    if (this.stopMessage) channel.port1.postMessage(this.stopMessage);
    const task: WorkerTask = {
      ...this.opts.taskFor(workerId, resumeAtMs),
      ...(time.started ? { startEpochMs: time.startEpochMs } : {}),
      port: channel.port2,
    };
    return this.runner.run(task).then(
      async (result) => {
        // The task's result can overtake the port's last messages; `done` is the last one sent.
        await allDelivered;
        this.results.push(result);
        channel.port1.close();
      },
      (error: unknown) => {
        channel.port1.close();
        this.lost++;
        const atMs = Math.max(0, time.elapsed());
        const replaced = !this.stopping && atMs < this.opts.scheduleEndMs && attempt < MAX_REPLACEMENTS;
        this.opts.events.lost({ workerId, error, atMs, replaced });
        if (replaced) return this.startWorker(workerId, atMs, attempt + 1);
      },
    );
  }

  private onMessage(msg: WorkerMessage, delivered: () => void): void {
    const { events } = this.opts;
    switch (msg.type) {
      case 'done':
        delivered();
        break;
      case 'ready':
        this.readyIds.add(msg.workerId);
        if (this.readyIds.size === this.opts.workers && !this.opts.time.started && !this.stopping)
          events.ready();
        break;
      case 'snapshot':
        events.snapshot(msg.snapshot);
        break;
      case 'signins':
        events.signIns?.(msg.rows);
        break;
      case 'throttled':
        events.throttled(msg.retryAfterS);
        break;
    }
  }
}
