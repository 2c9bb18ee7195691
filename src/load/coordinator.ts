/** One run of load on the main thread: the worker pool, the agent timeline and the interval stream, composed. */
import type { Target } from '../targets/target.js';
import { AgentRoster } from './agent-roster.js';
import { type Clock, RunClock, realClock } from './clock.js';
import { heldBackNotes, PauseLog } from './held-back.js';
import { IntervalEmitter } from './interval-emitter.js';
import type { LoadPlan } from './load-plan.js';
import type { Breaker, LoadResult, LoadSink } from './load-sink.js';
import { ArrivalSchedule } from './schedule/arrival-schedule.js';
import { ownedShares, ScheduledCounter } from './schedule/scheduled-count.js';
import { TimelineDriver } from './timeline-driver.js';
import { type TaskRunner, WorkerPool } from './worker-pool.js';
import { workerTask } from './worker-tasks.js';

/** Time zero is set this far after the last worker said ready, so the start message reaches every thread first. */
const START_MARGIN_MS = 20;

export interface LoadOptions {
  readonly signal?: AbortSignal;
  readonly breakers?: readonly Breaker[];
  /** Ends the run early but as completed (a sweep step that has found its limit); same shape as a breaker. */
  readonly until?: Breaker;
  /**
   * Once every worker is ready: the epoch ms at which time zero falls (a start barrier shared with other
   * shards, or a fixed instant). Absent: at once. A rejection fails the run before anything is sent.
   */
  readonly startAt?: () => Promise<number>;
  /** Tests only: the clock everything waits on and stamps with (default: performance time and timers). */
  readonly clock?: Clock;
  /**
   * Runs worker tasks (default: a piscina pool of workers/signin threads, started here). A run passes
   * threads it started before opening the target; tests pass in-thread workers. Destroyed at the end.
   */
  readonly runner?: TaskRunner;
}

/**
 * Drives one run: a pool of workers each firing its share of the open-model schedule, the agent timeline
 * applied on time, snapshots merged per interval and handed to the sink in order. Time zero is set once
 * every worker is loaded and waiting, so no start-up eats into the schedule.
 */
export async function runLoad(
  plan: LoadPlan,
  target: Target,
  sink: LoadSink,
  opts: LoadOptions = {},
): Promise<LoadResult> {
  const time = new RunClock(opts.clock ?? realClock);
  // The whole run's schedule, for target rates and phase names; workers walk their own shares of it.
  const schedule = new ArrivalSchedule(plan.phases, { arrivals: plan.arrivals, seed: plan.seed });
  const totalMs = schedule.totalDurationMs;
  const roster = new AgentRoster(target.agents);
  const pauses = new PauseLog();
  // Laid out once in shared memory by the target: every worker (and replacement) reads the same bytes.
  const users = target.users;
  let status: LoadResult['status'] = 'completed';
  let failure: string | undefined;
  let gated = false;

  const begin = (startEpochMs: number) => {
    time.begin(startEpochMs);
    pool.start(startEpochMs);
    timeline.start();
    emitter.start();
  };
  const stopAll = () => {
    if (pool.stopping) return;
    emitter.stoppedAt(time.elapsed());
    pool.stop(plan.stopGraceMs);
    timeline.stop();
  };
  const timeline = new TimelineDriver({
    events: plan.timeline,
    time,
    target,
    shardIndex: plan.shard?.index ?? 0,
    roster,
    sink,
  });
  const emitter = new IntervalEmitter({
    intervalMs: plan.intervalMs,
    workers: plan.workers,
    schedule,
    shardFactor: 1 / (plan.shard?.count ?? 1),
    scheduled: new ScheduledCounter(
      plan.phases,
      { arrivals: plan.arrivals, seed: plan.seed },
      ownedShares(plan.workers, plan.shard),
    ),
    roster,
    time,
    sink,
    verdicts: {
      ...(opts.until ? { until: opts.until } : {}),
      breakers: opts.breakers ?? [],
      stopping: () => pool.stopping,
      enough: (reason) => {
        sink.note(reason);
        stopAll();
      },
      broke: (reason) => {
        if (failure) return;
        failure = reason;
        status = 'failed';
        stopAll();
      },
    },
  });
  const pool = new WorkerPool({
    workers: plan.workers,
    time,
    taskFor: (workerId, resumeAtMs) => workerTask(plan, target, users, workerId, resumeAtMs),
    scheduleEndMs: totalMs,
    ...(opts.runner ? { runner: opts.runner } : {}),
    events: {
      ready: () => {
        if (!opts.startAt) return begin(time.clock.now() + START_MARGIN_MS);
        if (gated) return;
        gated = true;
        opts.startAt().then(
          (at) => {
            if (!pool.stopping) begin(at);
          },
          (err: unknown) => {
            if (pool.stopping) return;
            failure = err instanceof Error ? err.message : String(err);
            status = 'failed';
            stopAll();
          },
        );
      },
      snapshot: (snapshot) => emitter.accept(snapshot),
      signIns: (rows) => sink.signIns?.(rows),
      throttled: (retryAfterS) => {
        // One worker was told to back off; the tenant means all of us.
        const fromMs = time.elapsed();
        const untilMs = fromMs + retryAfterS * 1000;
        pauses.add(fromMs, untilMs);
        pool.broadcast({ type: 'pause', untilMs });
      },
      lost: (loss) => emitter.workerLost(loss),
    },
  });

  const onAbort = () => {
    if (status === 'completed') status = 'interrupted';
    stopAll();
  };
  // A signal that fired before the run began fires no event: stop at once, before any worker starts.
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  let workers: LoadResult['workers'];
  try {
    workers = await pool.run();
  } finally {
    emitter.stopTick();
    timeline.stop();
    opts.signal?.removeEventListener('abort', onAbort);
  }
  emitter.finish();
  for (const text of heldBackNotes(pauses.summary(Math.min(time.elapsed(), totalMs)), workers))
    sink.note(text);
  await timeline.settled();
  await emitter.drained();
  await pool.destroy();
  return {
    status,
    ...(failure ? { failure } : {}),
    startEpochMs: time.started ? time.startEpochMs : time.clock.now(),
    endMs: time.elapsed(),
    workers,
    lostWorkers: pool.lostWorkers,
  };
}
