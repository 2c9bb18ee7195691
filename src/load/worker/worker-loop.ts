import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { IntervalRecorder } from '../../metrics/recorder.js';
import { TENANT } from '../../metrics/types.js';
import type { Outcome } from '../../outcome.js';
import { ArrivalSchedule, type SchedulePhase } from '../schedule/arrival-schedule.js';
import type { CoordinatorMessage, WorkerMessage, WorkerResult, WorkerTask } from '../worker-protocol.js';
import { type CredentialPicker, credentialPicker } from './credentials.js';
import { SendCap } from './send-cap.js';
import type { SignInClient } from './signin-client.js';

/**
 * Arrivals fired in one turn of the event loop at most. A schedule the machine cannot keep must not keep
 * the loop to itself: replies, interval snapshots and the stop message all wait for the next turn.
 */
const ARRIVALS_PER_TURN = 2000;
/** How long to back off after a 429 that did not say (Retry-After absent or unreadable). */
const DEFAULT_RETRY_AFTER_S = 5;

/**
 * One worker's share of the run: fire arrivals on the open-model schedule (never waiting for replies),
 * measure each from its *intended* start, and report one snapshot per interval.
 */
export class WorkerLoop {
  private readonly recorder = new IntervalRecorder();
  private readonly schedule: ArrivalSchedule;
  private readonly picker: CredentialPicker;
  private readonly port: MessagePort;
  private readonly clock: () => number;
  private index: number;
  private boundaryMs: number;
  private nextArrival: number | undefined;
  private inFlight = 0;
  private sent = 0;
  private completed = 0;
  private abandoned = 0;
  private skipped = 0;
  private readonly skippedBy = { paused: 0, paced: 0, capped: 0 };
  private readonly cap: SendCap | undefined;
  private pausedUntilMs = 0;
  private scheduleDone = false;
  private intervalTimer: NodeJS.Timeout | undefined;
  private abandoning = false;
  private finished = false;
  private startEpochMs: number;
  private started = false;
  private finish!: () => void;

  constructor(
    private readonly task: WorkerTask,
    private readonly client: SignInClient,
    clock?: () => number,
  ) {
    this.port = task.port;
    // performance.timeOrigin differs per thread; epoch-based time is what all threads share.
    this.clock = clock ?? (() => performance.timeOrigin + performance.now() - this.startEpochMs);
    this.startEpochMs = task.startEpochMs ?? Number.NaN;
    this.schedule = new ArrivalSchedule(task.schedule.phases as readonly SchedulePhase[], {
      arrivals: task.schedule.arrivals,
      seed: task.schedule.seed,
      share: task.share,
    });
    this.picker = credentialPicker(task);
    this.cap = task.sendCap ? new SendCap(task.sendCap) : undefined;
    this.index = Math.max(0, Math.floor(task.resumeAtMs / task.intervalMs));
    this.boundaryMs = (this.index + 1) * task.intervalMs;
    let next = this.schedule.next();
    while (next !== undefined && next < task.resumeAtMs) next = this.schedule.next();
    this.nextArrival = next;
  }

  run(): Promise<WorkerResult> {
    this.port.on('message', (msg: CoordinatorMessage) => this.onMessage(msg));
    return new Promise<WorkerResult>((resolve) => {
      this.finish = () => {
        if (this.finished) return;
        this.finished = true;
        if (this.started) this.rollIntervals(this.clock(), true);
        if (this.intervalTimer) clearTimeout(this.intervalTimer);
        this.post({ type: 'done', workerId: this.task.workerId });
        this.client.close().catch(() => undefined);
        resolve({
          workerId: this.task.workerId,
          sent: this.sent,
          completed: this.completed,
          abandoned: this.abandoned,
          skipped: this.skipped,
          skippedBy: { ...this.skippedBy },
          lastIndex: this.index,
        });
      };
      if (this.task.startEpochMs === undefined) this.post({ type: 'ready', workerId: this.task.workerId });
      else this.begin();
    });
  }

  private begin(): void {
    this.started = true;
    this.armIntervalTimer();
    this.pump();
  }

  private onMessage(msg: CoordinatorMessage): void {
    if (msg.type === 'start') {
      if (this.started) return;
      this.startEpochMs = msg.startEpochMs;
      this.begin();
      return;
    }
    if (!this.started) {
      // Stopped before the run began: nothing was sent, nothing to report.
      if (msg.type === 'stop') this.finish();
      return;
    }
    if (msg.type === 'pause') {
      this.pausedUntilMs = Math.max(this.pausedUntilMs, msg.untilMs);
      return;
    }
    this.scheduleDone = true;
    if (this.inFlight === 0) {
      this.finish();
      return;
    }
    setTimeout(() => {
      // Whatever has not answered by now is abandoned: counted as in flight at stop, never as a reply.
      this.abandoning = true;
      this.abandoned += this.inFlight;
      this.finish();
      this.client.destroy().catch(() => undefined);
    }, msg.graceMs).unref();
  }

  private pump = (): void => {
    if (this.scheduleDone) return;
    const now = this.clock();
    this.rollIntervals(now, false);
    let next = this.nextArrival;
    let budget = ARRIVALS_PER_TURN;
    while (next !== undefined && next <= now && budget-- > 0) {
      if (now < this.pausedUntilMs) {
        this.skipped++;
        this.skippedBy.paused++;
      } else {
        this.fire(next, now);
      }
      next = this.schedule.next();
    }
    this.nextArrival = next;
    if (next === undefined) {
      this.scheduleDone = true;
      this.maybeDone();
      return;
    }
    const wait = next - this.clock();
    // setTimeout cannot wait less than ~1 ms; a near arrival gets the next turn of the loop instead.
    if (wait < 1) setImmediate(this.pump);
    else setTimeout(this.pump, wait);
  };

  private fire(intendedMs: number, nowMs: number): void {
    if (this.cap && !this.cap.tryTake(nowMs)) {
      this.skipped++;
      this.skippedBy.capped++;
      return;
    }
    const cred = this.picker.next(nowMs);
    if (cred === undefined) {
      this.skipped++;
      this.skippedBy.paced++;
      return;
    }
    const slipUs = Math.max(0, Math.round((nowMs - intendedMs) * 1000));
    this.recorder.noteSent(slipUs, nowMs - intendedMs > this.task.lateThresholdMs);
    this.sent++;
    this.inFlight++;
    this.client.send(cred.username, cred.password).then((reply) => {
      this.inFlight--;
      if (this.abandoning) return;
      const done = this.clock();
      this.rollIntervals(done, false);
      this.completed++;
      this.record(reply.agent ?? TENANT, reply.outcome, Math.max(1, Math.round((done - intendedMs) * 1000)));
      if (reply.code !== undefined) this.recorder.noteCode(reply.code);
      if (reply.outcome === 'throttled') this.onThrottled(done, reply.retryAfterS ?? DEFAULT_RETRY_AFTER_S);
      this.maybeDone();
    });
  }

  private record(agent: string, outcome: Outcome, latencyUs: number): void {
    this.recorder.record(agent, outcome, latencyUs);
  }

  private onThrottled(nowMs: number, retryAfterS: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, nowMs + retryAfterS * 1000);
    this.post({ type: 'throttled', retryAfterS });
  }

  private maybeDone(): void {
    if (this.scheduleDone && this.inFlight === 0) this.finish();
  }

  /** Closes every interval whose end has passed (or, at the end, the current partial one). */
  private rollIntervals(nowMs: number, final: boolean): void {
    while (nowMs >= this.boundaryMs) {
      this.postSnapshot();
      this.index++;
      this.boundaryMs += this.task.intervalMs;
    }
    if (final) this.postSnapshot();
  }

  private postSnapshot(): void {
    this.recorder.setInFlight(this.inFlight);
    this.post({ type: 'snapshot', snapshot: this.recorder.snapshot(this.task.workerId, this.index) });
  }

  private armIntervalTimer(): void {
    const tick = () => {
      this.rollIntervals(this.clock(), false);
      this.intervalTimer = setTimeout(tick, Math.max(1, this.boundaryMs - this.clock() + 1));
    };
    this.intervalTimer = setTimeout(tick, Math.max(1, this.boundaryMs - this.clock() + 1));
  }

  private post(msg: WorkerMessage): void {
    this.port.postMessage(msg);
  }
}
