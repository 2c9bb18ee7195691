/** One worker's share of the run: the arrival loop, bounded admission, replies into the recorder, one snapshot per interval. */
import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { IntervalRecorder } from '../../metrics/recorder.js';
import { TENANT } from '../../metrics/types.js';
import { isUserThrottle } from '../../transport/aadsts-outcomes.js';
import { ArrivalSchedule, type SchedulePhase } from '../schedule/arrival-schedule.js';
import type { CoordinatorMessage, WorkerMessage, WorkerResult, WorkerTask } from '../worker-protocol.js';
import { maxInFlight } from './admission.js';
import { type CredentialPicker, credentialPicker } from './credentials.js';
import { HealthProbe } from './health-probe.js';
import { LockWatch } from './lock-watch.js';
import { SendCap } from './send-cap.js';
import type { SignInClient, SignInExchange } from './signin-client.js';
import { type SignInRow, SignInSampler, SUCCESS_SAMPLE } from './signin-rows.js';
import { UserTable } from './user-table.js';

/**
 * Arrivals fired in one turn of the event loop at most. A schedule the machine cannot keep must not keep
 * the loop to itself: replies, interval snapshots and the stop message all wait for the next turn.
 */
const ARRIVALS_PER_TURN = 2000;
/** How long to back off after a 429 that did not say (Retry-After absent or unreadable). */
const DEFAULT_RETRY_AFTER_S = 5;
/** Tenant throttles (AADSTS90055, 90024) carry no Retry-After: the whole run backs off this long. */
const TENANT_THROTTLE_PAUSE_S = 30;
/** A user Entra found in a "client request loop" (AADSTS50196) rests this long. */
const USER_COOL_DOWN_MS = 120_000;

/** Timers the loop sleeps with; tests give fake ones that a fake clock drives. */
export interface LoopTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: LoopTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface WorkerLoopOptions {
  /** ms since the run's time zero; defaults to the shared epoch clock. */
  readonly clock?: () => number;
  readonly timers?: LoopTimers;
}

/** Makes the transport once the loop knows its users; `onReply` receives every sign-in's result once. */
export type ClientFactory = (users: UserTable, onReply: (x: SignInExchange) => void) => SignInClient;

/**
 * Fires arrivals on the open-model schedule (never waiting for replies), measures each from its *intended*
 * start, and reports one snapshot per interval. The loop fires everything due, then sleeps until the next
 * arrival: no spinning, so its CPU follows the rate.
 */
export class WorkerLoop {
  private readonly recorder = new IntervalRecorder();
  private readonly health: HealthProbe;
  private readonly schedule: ArrivalSchedule;
  private readonly picker: CredentialPicker;
  private readonly lockWatch: LockWatch;
  private readonly users: UserTable;
  private readonly client: SignInClient;
  private readonly sampler: SignInSampler;
  private readonly port: MessagePort;
  private readonly clock: () => number;
  private readonly timers: LoopTimers;
  private readonly limit: number;
  private index: number;
  private boundaryMs: number;
  private nextArrival: number | undefined;
  private nextSequence = 0;
  private inFlight = 0;
  private sent = 0;
  private completed = 0;
  private abandoned = 0;
  private skipped = 0;
  private readonly skippedBy = { paused: 0, paced: 0, capped: 0, saturated: 0 };
  private readonly cap: SendCap | undefined;
  private rows: SignInRow[] = [];
  private pausedUntilMs = 0;
  private scheduleDone = false;
  private pumpTimer: unknown;
  private intervalTimer: unknown;
  private abandoning = false;
  private finished = false;
  private startEpochMs: number;
  private started = false;
  private finish!: () => void;

  constructor(
    private readonly task: WorkerTask,
    makeClient: ClientFactory,
    options: WorkerLoopOptions = {},
  ) {
    this.port = task.port;
    // performance.timeOrigin differs per thread; epoch-based time is what all threads share.
    this.clock = options.clock ?? (() => performance.timeOrigin + performance.now() - this.startEpochMs);
    this.timers = options.timers ?? REAL_TIMERS;
    this.startEpochMs = task.startEpochMs ?? Number.NaN;
    this.schedule = new ArrivalSchedule(task.schedule.phases as readonly SchedulePhase[], {
      arrivals: task.schedule.arrivals,
      seed: task.schedule.seed,
      share: task.share,
    });
    this.users = new UserTable(task.users, task.userRange);
    this.picker = credentialPicker({
      users: this.users.count,
      wrongPasswordShare: task.wrongPasswordShare,
      ...(task.pacing ? { pacing: task.pacing } : {}),
    });
    this.lockWatch = new LockWatch(this.users.count);
    this.sampler = new SignInSampler(task.schedule.seed, task.correlation === 'all' ? 1 : SUCCESS_SAMPLE);
    this.cap = task.sendCap ? new SendCap(task.sendCap) : undefined;
    this.limit = maxInFlight(task.request.connections);
    this.health = new HealthProbe(task.request.connections);
    this.client = makeClient(this.users, this.onReply);
    this.index = Math.max(0, Math.floor(task.resumeAtMs / task.intervalMs));
    this.boundaryMs = (this.index + 1) * task.intervalMs;
    let next = this.schedule.next();
    while (next !== undefined && next < task.resumeAtMs) next = this.schedule.next();
    this.nextArrival = next;
    this.nextSequence = this.schedule.sequence;
  }

  run(): Promise<WorkerResult> {
    this.port.on('message', (msg: CoordinatorMessage) => this.onMessage(msg));
    return new Promise<WorkerResult>((resolve) => {
      this.finish = () => {
        if (this.finished) return;
        this.finished = true;
        if (this.started) this.rollIntervals(this.clock(), true);
        if (this.intervalTimer !== undefined) this.timers.clear(this.intervalTimer);
        if (this.pumpTimer !== undefined) this.timers.clear(this.pumpTimer);
        this.health.close();
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
    const grace = this.timers.set(() => {
      // Whatever has not answered by now is abandoned: counted as in flight at stop, never as a reply.
      this.abandoning = true;
      this.abandoned += this.inFlight;
      this.finish();
      this.client.destroy().catch(() => undefined);
    }, msg.graceMs);
    (grace as { unref?: () => void }).unref?.();
  }

  private readonly pump = (): void => {
    this.pumpTimer = undefined;
    if (this.scheduleDone) return;
    // One clock read per wake: every arrival due by now fires in this turn (at most ARRIVALS_PER_TURN).
    const now = this.clock();
    this.rollIntervals(now, false);
    let next = this.nextArrival;
    let budget = ARRIVALS_PER_TURN;
    while (next !== undefined && next <= now && budget-- > 0) {
      if (now < this.pausedUntilMs) {
        this.skipped++;
        this.skippedBy.paused++;
      } else {
        this.fire(next, this.nextSequence, now);
      }
      next = this.schedule.next();
      this.nextSequence = this.schedule.sequence;
    }
    this.nextArrival = next;
    if (next === undefined) {
      this.scheduleDone = true;
      this.maybeDone();
      return;
    }
    // Timers have a millisecond grain: arrivals falling due meanwhile fire together when it wakes (coalescing).
    this.pumpTimer = this.timers.set(this.pump, Math.max(1, Math.ceil(next - now)));
  };

  private fire(intendedMs: number, sequence: number, nowMs: number): void {
    if (this.inFlight >= this.limit) {
      this.skipped++;
      this.skippedBy.saturated++;
      this.recorder.noteSaturated();
      return;
    }
    if (this.cap && !this.cap.tryTake(nowMs)) {
      this.skipped++;
      this.skippedBy.capped++;
      return;
    }
    const user = this.picker.next(nowMs);
    if (user < 0) {
      this.skipped++;
      this.skippedBy.paced++;
      return;
    }
    const slipMs = nowMs - intendedMs;
    this.recorder.noteSent(slipMs > 0 ? Math.round(slipMs * 1000) : 0, slipMs > this.task.lateThresholdMs);
    this.sent++;
    this.inFlight++;
    this.health.noteSend(this.inFlight);
    const wrong = this.picker.wrong;
    if (wrong) this.lockWatch.sentWrong(user, nowMs);
    this.client.send(user, wrong, sequence, intendedMs, this.sampler.keeps(sequence));
  }

  private readonly onReply = (x: SignInExchange): void => {
    this.inFlight--;
    if (this.abandoning) return;
    const done = this.clock();
    this.rollIntervals(done, false);
    this.completed++;
    const latencyUs = Math.max(1, Math.round((done - x.intendedMs) * 1000));
    const c = x.classified;
    this.recorder.record(x.agent ?? TENANT, c.outcome, latencyUs);
    // The tenant's own time: from when a connection took the request to the last byte (wrk2's uncorrected latency).
    if (x.dispatchedAt > 0) {
      this.recorder.recordService(
        x.agent ?? TENANT,
        Math.max(1, (performance.now() - x.dispatchedAt) * 1000),
      );
    }
    if (c.code !== undefined) this.recorder.noteCode(c.code);
    if (c.outcome !== 'success' || x.keepIds) this.writeDown(x, latencyUs);
    if (c.outcome === 'throttled') this.onThrottled(done, x);
    else if (c.outcome === 'locked') this.onLocked(done, x);
    this.maybeDone();
  };

  private writeDown(x: SignInExchange, latencyUs: number): void {
    const c = x.classified;
    this.rows.push({
      id: this.client.correlationId(x.sequence),
      intendedEpochMs: this.startEpochMs + x.intendedMs,
      user: this.users.username(x.user),
      outcome: c.outcome,
      ...(c.code !== undefined ? { code: c.code } : {}),
      latencyUs,
      ...(x.requestId !== undefined ? { requestId: x.requestId } : {}),
      ...(x.agent !== undefined ? { agent: x.agent } : {}),
    });
  }

  /** 50196 is about this user and this app: the user rests. Anything else is the tenant: everyone pauses. */
  private onThrottled(nowMs: number, x: SignInExchange): void {
    const c = x.classified;
    if (isUserThrottle(c.code)) {
      this.picker.coolDown(x.user, nowMs + USER_COOL_DOWN_MS);
      return;
    }
    const retryAfterS =
      c.retryAfterS ?? (c.code === undefined ? DEFAULT_RETRY_AFTER_S : TENANT_THROTTLE_PAUSE_S);
    this.pausedUntilMs = Math.max(this.pausedUntilMs, nowMs + retryAfterS * 1000);
    this.post({ type: 'throttled', retryAfterS });
  }

  private onLocked(nowMs: number, x: SignInExchange): void {
    const unexplained = this.lockWatch.locked(x.user, x.wrong, nowMs);
    if (unexplained !== undefined) this.recorder.noteLockout(unexplained);
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
    if (this.rows.length > 0) {
      this.post({ type: 'signins', rows: this.rows });
      this.rows = [];
    }
    this.recorder.setInFlight(this.inFlight);
    const snapshot = this.recorder.snapshot(this.task.workerId, this.index);
    this.post({ type: 'snapshot', snapshot: { ...snapshot, generator: this.health.sample(this.inFlight) } });
  }

  private armIntervalTimer(): void {
    const tick = () => {
      this.rollIntervals(this.clock(), false);
      this.intervalTimer = this.timers.set(tick, Math.max(1, this.boundaryMs - this.clock() + 1));
    };
    this.intervalTimer = this.timers.set(tick, Math.max(1, this.boundaryMs - this.clock() + 1));
  }

  private post(msg: WorkerMessage): void {
    this.port.postMessage(msg);
  }
}
