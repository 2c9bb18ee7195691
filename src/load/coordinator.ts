import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Histogram } from 'hdr-histogram-js';
import { Piscina } from 'piscina';
import { IntervalMerger, type MergedInterval } from '../metrics/merge.js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import type { Phase, TimelineEvent } from '../profile/schema.js';
import type { AppliedEvent, Target } from '../targets/target.js';
import { AgentRoster } from './agent-roster.js';
import { heldBackNotes, PauseLog } from './held-back.js';
import { ArrivalSchedule } from './schedule/arrival-schedule.js';
import { sendCapFor } from './worker/send-cap.js';
import type { CoordinatorMessage, WorkerMessage, WorkerResult, WorkerTask } from './worker-protocol.js';

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
  readonly pacing?: { readonly perUserPerMinute: number; readonly wrongPerUserPerHour: number };
  /** Hard ceiling on sends per second across the run (real tenants), split between workers and shards. */
  readonly maxRate?: number;
  readonly timeline: readonly TimelineEvent[];
  /** How long to wait for in-flight replies after a stop is asked. */
  readonly stopGraceMs: number;
  /** This harness's slice when sharded (users and 1/n of the rate). */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** A timeline event as it happened. */
export interface TimelineOutcome extends AppliedEvent {
  readonly event: TimelineEvent;
  readonly appliedAtMs: number;
}

export interface LoadSink {
  interval(record: IntervalRecord, histograms: Map<SeriesTag, Histogram>): void | Promise<void>;
  timeline(outcome: TimelineOutcome): void | Promise<void>;
  note(text: string): void;
  /** Called about once a second with live figures for progress display. */
  progress?(live: LiveFigures): void;
}

interface LiveFigures {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly phase: string;
  /** The schedule's rate right now (this shard's share). */
  readonly targetRate: number;
  readonly inFlight: number;
  readonly activeAgents: readonly string[];
}

/** Asked by the coordinator after every interval; a string stops the run as failed, with that reason. */
export type Breaker = (record: IntervalRecord, histograms: Map<SeriesTag, Histogram>) => string | undefined;

export interface LoadResult {
  readonly status: 'completed' | 'interrupted' | 'failed';
  readonly failure?: string;
  readonly startEpochMs: number;
  readonly endMs: number;
  readonly workers: readonly WorkerResult[];
  readonly lostWorkers: number;
}

const WORKER_FILE = fileURLToPath(
  new URL(`../../workers/signin${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const MAX_REPLACEMENTS = 5;
/** How long an interval waits for a slow worker's snapshot before it is written without it. */
const STRAGGLER_INTERVALS = 3;

/**
 * Drives one run: a piscina pool of workers each firing its share of the open-model schedule, the agent
 * timeline applied on time, snapshots merged per interval and handed to the sink in order.
 */
export async function runLoad(
  plan: LoadPlan,
  target: Target,
  sink: LoadSink,
  opts: {
    signal?: AbortSignal;
    breakers?: readonly Breaker[];
    /** Ends the run early but as completed (a sweep step that has found its limit); same shape as a breaker. */
    until?: Breaker;
    /**
     * Once every worker is ready: the epoch ms at which time zero falls (a start barrier shared with other
     * shards, or a fixed instant). Absent: at once. A rejection fails the run before anything is sent.
     */
    startAt?: () => Promise<number>;
  } = {},
): Promise<LoadResult> {
  // The whole run's schedule, for target rates and phase names; workers walk their own shares of it.
  const schedule = new ArrivalSchedule(plan.phases, { arrivals: plan.arrivals, seed: plan.seed });
  const shardFactor = 1 / (plan.shard?.count ?? 1);
  const totalMs = schedule.totalDurationMs;
  const roster = new AgentRoster(target.agents);
  const pool = new Piscina({
    filename: WORKER_FILE,
    minThreads: plan.workers,
    maxThreads: plan.workers,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 1,
  });
  // Time zero is set once every worker is loaded and waiting, so no start-up eats into the schedule.
  let startEpochMs = Number.NaN;
  const started = () => !Number.isNaN(startEpochMs);
  const now = () => (started() ? performance.timeOrigin + performance.now() - startEpochMs : 0);
  const ready = new Set<number>();
  let gated = false;
  /** Last interval each worker reported: what a crash loses is its share of the schedule after that. */
  const reportedUpTo = new Map<number, number>();
  const inFlightAtReport = new Map<number, number>();
  const merger = new IntervalMerger(range(plan.workers));
  const ports = new Map<number, MessagePort>();
  const results: WorkerResult[] = [];
  let lostWorkers = 0;
  let stopping = false;
  let status: LoadResult['status'] = 'completed';
  let failure: string | undefined;
  let lastEmitted = -1;
  let lastInFlight = 0;
  let emitChain: Promise<void> = Promise.resolve();
  const pauses = new PauseLog();

  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    const msg: CoordinatorMessage = { type: 'stop', graceMs: plan.stopGraceMs };
    for (const port of ports.values()) port.postMessage(msg);
  };

  const emit = (merged: readonly MergedInterval[]) => {
    for (const m of merged) {
      if (m.index <= lastEmitted) continue;
      lastEmitted = m.index;
      const startMs = m.index * plan.intervalMs;
      const endMs = Math.min(startMs + plan.intervalMs, Math.max(now(), startMs));
      const record: IntervalRecord = {
        ...m.counters,
        index: m.index,
        startMs,
        endMs,
        targetRate: schedule.meanRate(startMs, startMs + plan.intervalMs) * shardFactor,
        activeAgents: roster.activeAt(startMs + plan.intervalMs / 2),
        phase: schedule.phaseAt(startMs).name,
      };
      lastInFlight = m.counters.inFlight;
      if (m.missingWorkers.length > 0) {
        sink.note(`interval ${m.index}: no snapshot from worker(s) ${m.missingWorkers.join(', ')}`);
      }
      const enough = !stopping ? opts.until?.(record, m.histograms) : undefined;
      if (enough) {
        sink.note(enough);
        stopAll();
      }
      for (const breaker of opts.breakers ?? []) {
        const reason = breaker(record, m.histograms);
        if (reason && !failure) {
          failure = reason;
          status = 'failed';
          stopAll();
        }
      }
      emitChain = emitChain.then(() => sink.interval(record, m.histograms));
    }
  };

  const onMessage = (msg: WorkerMessage) => {
    if (msg.type === 'ready') {
      ready.add(msg.workerId);
      if (ready.size === plan.workers && !started() && !stopping && !gated) {
        if (!opts.startAt) begin(performance.timeOrigin + performance.now() + 20);
        else {
          gated = true;
          opts.startAt().then(
            (at) => {
              if (!stopping) begin(at);
            },
            (err: unknown) => {
              if (stopping) return;
              failure = errorText(err);
              status = 'failed';
              stopAll();
            },
          );
        }
      }
    } else if (msg.type === 'snapshot') {
      reportedUpTo.set(msg.snapshot.workerId, msg.snapshot.index);
      inFlightAtReport.set(msg.snapshot.workerId, msg.snapshot.inFlight);
      emit(merger.accept(msg.snapshot));
    } else if (msg.type === 'throttled') {
      // One worker was told to back off; the tenant means all of us.
      const pause: CoordinatorMessage = { type: 'pause', untilMs: now() + msg.retryAfterS * 1000 };
      pauses.add(now(), pause.untilMs);
      for (const port of ports.values()) port.postMessage(pause);
    }
  };

  const startWorker = (workerId: number, resumeAtMs: number, attempt: number): Promise<void> => {
    const channel = new MessageChannel();
    let delivered!: () => void;
    const allDelivered = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    channel.port1.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'done') delivered();
      else onMessage(msg);
    });
    ports.set(workerId, channel.port1);
    // A worker started after the stop (an early signal, a breaker) must hear of it too, or it waits forever.
    if (stopping)
      channel.port1.postMessage({ type: 'stop', graceMs: plan.stopGraceMs } as CoordinatorMessage);
    const task: WorkerTask = {
      workerId,
      share: plan.shard
        ? { index: plan.shard.index * plan.workers + workerId, count: plan.shard.count * plan.workers }
        : { index: workerId, count: plan.workers },
      ...(started() ? { startEpochMs } : {}),
      resumeAtMs,
      schedule: { phases: plan.phases, arrivals: plan.arrivals, seed: plan.seed },
      intervalMs: plan.intervalMs,
      lateThresholdMs: plan.lateThresholdMs,
      request: {
        ...target.request,
        connections: Math.max(1, Math.ceil(plan.connections / plan.workers)),
        timeoutMs: plan.timeoutMs,
      },
      users: sliceFor(target.users, plan, workerId),
      wrongPasswordShare: plan.wrongPasswordShare,
      ...(plan.pacing ? { pacing: plan.pacing } : {}),
      ...(plan.maxRate ? { sendCap: sendCapFor(plan.maxRate * shardFactor, plan.workers, workerId) } : {}),
      drainMs: plan.timeoutMs,
      port: channel.port2,
    };
    return pool.run(task, { transferList: [channel.port2 as never] }).then(
      async (result: WorkerResult) => {
        await allDelivered;
        results.push(result);
        channel.port1.close();
      },
      (err: unknown) => {
        channel.port1.close();
        lostWorkers++;
        const at = Math.max(0, now());
        const fromMs = ((reportedUpTo.get(workerId) ?? -1) + 1) * plan.intervalMs;
        const lost = Math.round((schedule.expectedArrivals(fromMs, at) * shardFactor) / plan.workers);
        const restart =
          stopping || at >= totalMs || attempt >= MAX_REPLACEMENTS ? 'not restarted' : 'restarted';
        const unanswered = inFlightAtReport.get(workerId) ?? 0;
        sink.note(
          `worker ${workerId} failed at ${(at / 1000).toFixed(1)} s (${errorText(err)}); ${unanswered} sign-ins it had in flight at its last report are sent but never answered, and about ${lost} scheduled sign-ins of its share since ${(fromMs / 1000).toFixed(0)} s are not in the results; its share was ${restart}`,
        );
        const others = range(plan.workers).filter((id) => id !== workerId);
        emit(merger.expectWorkers(others));
        if (stopping || at >= totalMs || attempt >= MAX_REPLACEMENTS) return;
        // The replacement reports from the interval it resumes in; the ones in between are written without it.
        emit(merger.expectWorkers(range(plan.workers), Math.floor(at / plan.intervalMs)));
        return startWorker(workerId, at, attempt + 1);
      },
    );
  };

  const onAbort = () => {
    if (status === 'completed') status = 'interrupted';
    stopAll();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // A listener added after the abort never runs: a signal before the run began must still stop it.
  if (opts.signal?.aborted) onAbort();

  const timers: NodeJS.Timeout[] = [];
  const timelineDone: Promise<void>[] = [];
  let straggler: NodeJS.Timeout | undefined;
  const begin = (at: number) => {
    startEpochMs = at;
    const msg: CoordinatorMessage = { type: 'start', startEpochMs };
    for (const port of ports.values()) port.postMessage(msg);
    scheduleTimeline();
    straggler = setInterval(tick, plan.intervalMs);
  };
  const scheduleTimeline = () => {
    for (const event of plan.timeline) {
      timers.push(
        setTimeout(
          () => {
            if (stopping) return;
            const appliedAtMs = now();
            // Shards of one real tenant share its agents: only the first shard runs the hooks.
            const mine = target.kind === 'sim' || (plan.shard?.index ?? 0) === 0;
            const applying: Promise<AppliedEvent> = mine
              ? target.applyEvent(event)
              : Promise.resolve({ ok: true, agents: [], detail: { appliedBy: 'shard 0' } });
            timelineDone.push(
              applying.then((applied) => {
                if (applied.ok) roster.apply(event, appliedAtMs, applied.agents);
                return sink.timeline({ ...applied, event, appliedAtMs });
              }),
            );
          },
          Math.max(0, event.atMs - now()),
        ),
      );
    }
  };
  const tick = () => {
    const current = Math.floor(now() / plan.intervalMs);
    emit(merger.flushUpTo(current - STRAGGLER_INTERVALS));
    sink.progress?.({
      elapsedMs: Math.max(0, now()),
      totalMs,
      phase: schedule.phaseAt(now()).name,
      targetRate: schedule.rateAt(now()) * shardFactor,
      inFlight: lastInFlight,
      activeAgents: roster.activeAt(now()),
    });
  };

  try {
    await Promise.all(range(plan.workers).map((id) => startWorker(id, 0, 0)));
  } finally {
    if (straggler) clearInterval(straggler);
    for (const t of timers) clearTimeout(t);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  emit(merger.flushAll());
  for (const text of heldBackNotes(pauses.summary(Math.min(now(), totalMs)), results)) sink.note(text);
  await Promise.all(timelineDone);
  await emitChain;
  await pool.destroy();
  return {
    status,
    ...(failure ? { failure } : {}),
    startEpochMs: started() ? startEpochMs : performance.timeOrigin + performance.now(),
    endMs: now(),
    workers: results,
    lostWorkers,
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Disjoint users per worker, so no two workers (or shards) pace the same account. */
function sliceFor<T>(users: readonly T[], plan: LoadPlan, workerId: number): T[] {
  const count = plan.workers * (plan.shard?.count ?? 1);
  const index = (plan.shard?.index ?? 0) * plan.workers + workerId;
  if (users.length < count) return users.slice();
  return users.filter((_, i) => i % count === index);
}
