/** The run's interval stream: worker snapshots merged per interval, stamped with the schedule, handed on in order. */
import { encodeHistogram } from '../metrics/histogram.js';
import { IntervalMerger, type MergedInterval } from '../metrics/merge.js';
import type { IntervalRecord, WorkerSnapshot } from '../metrics/types.js';
import type { AgentRoster } from './agent-roster.js';
import type { Cancel, RunClock } from './clock.js';
import type { Breaker, LoadSink } from './load-sink.js';
import type { ArrivalSchedule } from './schedule/arrival-schedule.js';
import type { ScheduledCounter } from './schedule/scheduled-count.js';
import type { WorkerLoss } from './worker-pool.js';

/** How long an interval waits for a slow worker's snapshot before it is written without it. */
const STRAGGLER_INTERVALS = 3;

/** What the emitter asks after every interval, and whom it tells. */
export interface IntervalVerdicts {
  /** Ends the run early but as completed (a sweep step that found its limit); not asked once stopping. */
  readonly until?: Breaker;
  readonly breakers: readonly Breaker[];
  stopping(): boolean;
  /** `until` said enough, with this reason. */
  enough(reason: string): void;
  /** A breaker tripped, with this reason (every breaker that trips says so). */
  broke(reason: string): void;
}

export interface IntervalEmitterOptions {
  readonly intervalMs: number;
  readonly workers: number;
  /** The whole run's schedule; this harness's share of it is `shardFactor`. */
  readonly schedule: ArrivalSchedule;
  readonly shardFactor: number;
  /** Counts what the seeded schedule drew per interval (this shard's workers' shares). */
  readonly scheduled?: ScheduledCounter;
  readonly roster: AgentRoster;
  readonly time: RunClock;
  readonly sink: LoadSink;
  readonly verdicts: IntervalVerdicts;
}

/**
 * An interval is emitted once every expected worker reported it, or `STRAGGLER_INTERVALS` later without the
 * missing ones (named in a note). Each record is asked of the breakers as it is emitted; the sink receives
 * records one at a time, in index order, each after the previous one's promise settled.
 */
export class IntervalEmitter {
  private readonly merger: IntervalMerger;
  /** Last interval each worker reported: what a crash loses is its share of the schedule after that. */
  private readonly reportedUpTo = new Map<number, number>();
  private readonly inFlightAtReport = new Map<number, number>();
  private lastEmitted = -1;
  private lastInFlight = 0;
  private chain: Promise<void> = Promise.resolve();
  private cancelTick: Cancel | undefined;
  private stoppedAtMs = Number.POSITIVE_INFINITY;

  constructor(private readonly opts: IntervalEmitterOptions) {
    this.merger = new IntervalMerger(range(opts.workers));
  }

  /** Starts the once-per-interval tick (straggler flush and live figures); call at time zero. */
  start(): void {
    this.cancelTick = this.opts.time.clock.setInterval(() => this.tick(), this.opts.intervalMs);
  }

  accept(snapshot: WorkerSnapshot): void {
    this.reportedUpTo.set(snapshot.workerId, snapshot.index);
    this.inFlightAtReport.set(snapshot.workerId, snapshot.inFlight);
    this.emit(this.merger.accept(snapshot));
  }

  /** Notes what a lost worker took with it, and stops waiting for it (until its replacement reports). */
  workerLost(loss: WorkerLoss): void {
    const { intervalMs, workers, schedule, shardFactor, sink } = this.opts;
    const { workerId, atMs } = loss;
    const fromMs = ((this.reportedUpTo.get(workerId) ?? -1) + 1) * intervalMs;
    const lost = Math.round((schedule.expectedArrivals(fromMs, atMs) * shardFactor) / workers);
    const unanswered = this.inFlightAtReport.get(workerId) ?? 0;
    sink.note(
      `worker ${workerId} failed at ${(atMs / 1000).toFixed(1)} s (${errorText(loss.error)}); ${unanswered} sign-ins it had in flight at its last report are sent but never answered, and about ${lost} scheduled sign-ins of its share since ${(fromMs / 1000).toFixed(0)} s are not in the results; its share was ${loss.replaced ? 'restarted' : 'not restarted'}`,
    );
    const all = range(workers);
    this.emit(this.merger.expectWorkers(all.filter((id) => id !== workerId)));
    // The replacement reports from the interval it resumes in; the ones in between are written without it.
    if (loss.replaced) this.emit(this.merger.expectWorkers(all, Math.floor(atMs / intervalMs)));
  }

  /** The run was asked to stop at this run time: arrivals after it were never going to be sent. */
  stoppedAt(ms: number): void {
    this.stoppedAtMs = Math.min(this.stoppedAtMs, ms);
  }

  /** Stops the tick and emits everything still pending (end of run). */
  finish(): void {
    this.stopTick();
    this.emit(this.merger.flushAll());
  }

  stopTick(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  /** Resolves once the sink has taken every record emitted so far. */
  drained(): Promise<void> {
    return this.chain;
  }

  private tick(): void {
    const { time, intervalMs, schedule, shardFactor, roster } = this.opts;
    const now = time.elapsed();
    this.emit(this.merger.flushUpTo(Math.floor(now / intervalMs) - STRAGGLER_INTERVALS));
    this.opts.sink.progress?.({
      elapsedMs: Math.max(0, now),
      totalMs: schedule.totalDurationMs,
      phase: schedule.phaseAt(now).name,
      targetRate: schedule.rateAt(now) * shardFactor,
      inFlight: this.lastInFlight,
      activeAgents: roster.activeAt(now),
    });
  }

  private emit(merged: readonly MergedInterval[]): void {
    const { intervalMs, schedule, shardFactor, roster, time, sink, verdicts } = this.opts;
    for (const m of merged) {
      if (m.index <= this.lastEmitted) continue;
      this.lastEmitted = m.index;
      const startMs = m.index * intervalMs;
      const endMs = Math.min(startMs + intervalMs, Math.max(time.elapsed(), startMs));
      const scheduled = this.opts.scheduled?.count(startMs, Math.min(endMs, this.stoppedAtMs));
      const record: IntervalRecord = {
        ...m.counters,
        ...(scheduled === undefined ? {} : { scheduled }),
        ...extraHistograms(m),
        index: m.index,
        startMs,
        endMs,
        targetRate: schedule.meanRate(startMs, startMs + intervalMs) * shardFactor,
        activeAgents: roster.activeAt(startMs + intervalMs / 2),
        phase: schedule.phaseAt(startMs).name,
      };
      this.lastInFlight = m.counters.inFlight;
      if (m.missingWorkers.length > 0) {
        sink.note(`interval ${m.index}: no snapshot from worker(s) ${m.missingWorkers.join(', ')}`);
      }
      const enough = !verdicts.stopping() ? verdicts.until?.(record, m.histograms) : undefined;
      if (enough) verdicts.enough(enough);
      for (const breaker of verdicts.breakers) {
        const reason = breaker(record, m.histograms);
        if (reason) verdicts.broke(reason);
      }
      this.chain = this.chain.then(() => sink.interval(record, m.histograms));
    }
  }
}

/** The interval's slip and service-time histograms, encoded for intervals.jsonl. */
function extraHistograms(m: MergedInterval): Pick<IntervalRecord, 'slip' | 'service'> {
  const service: Record<string, string> = {};
  for (const [agent, h] of m.service) if (h.totalCount > 0) service[agent] = encodeHistogram(h);
  return {
    ...(m.slip && m.slip.totalCount > 0 ? { slip: encodeHistogram(m.slip) } : {}),
    ...(Object.keys(service).length > 0 ? { service } : {}),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
