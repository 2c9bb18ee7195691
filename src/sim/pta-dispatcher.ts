import { seededRandom } from '../seeded-random.js';
import type { Agent, AgentRun } from './agent.js';
import { Fifo } from './fifo.js';
import type { DirectoryCapacity } from './options.js';
import { LognormalSampler } from './service-time.js';
import type { TimerWheel } from './timer-wheel.js';

/** How a validation ended: the agent checked the password, or one of the PTA failure codes. */
export type Verdict = 'checked' | 80001 | 80002 | 80005 | 80007 | 80014;

/** The dispatcher's bookkeeping for one password validation; the token endpoint extends it. */
export class Validation {
  done = false;
  arrivedAt = 0;
  /** When Entra stops waiting for an answer (80002). */
  deadline = 0;
  /** When the request's message expires from the queue if no agent has taken it. */
  expiresAt = 0;
  run: AgentRun | null = null;
  /** The agent's (and a shared directory's) service time drawn for it, ms; NaN until an agent takes it. */
  serviceMs = Number.NaN;
}

export interface DispatcherOptions<V extends Validation> {
  readonly wheel: TimerWheel;
  readonly ptaTimeoutMs: number;
  readonly queueTimeoutMs: number;
  readonly detectionDelayMs: number;
  readonly seed: number | string;
  readonly directory?: DirectoryCapacity | undefined;
  /**
   * An answer that comes after the deadline: 80002 ends the sign-in at the deadline; 80014 waits for the
   * late answer and reports it as such. A request no agent ever answers is 80002 either way.
   */
  readonly lateAnswerCode?: 80002 | 80014;
  /** Called exactly once per submitted validation. `agent` is null when no agent ever held it. */
  readonly answer: (v: V, verdict: Verdict, agent: Agent | null) => void;
}

/**
 * Entra's side of PTA: one shared queue, agents as competing consumers. Every idle core of an agent
 * is a receiver waiting on the queue; a request goes to a random idle receiver (so load spreads by
 * who is free), else waits in FIFO order until a core frees or it expires from the queue.
 * Two clocks per request (both unconfirmed, both configurable): the queue message lives
 * `queueTimeoutMs`; Entra waits `ptaTimeoutMs` for the answer. A request not taken in time, or not
 * answered in time, ends 80002 at the answer deadline. With one clock, sustained overload would
 * starve agents on requests that are already doomed when taken (every pick at the head of a full
 * queue has no time left), so an overloaded agent would serve almost nothing.
 * A shared directory (DC), when set, is a tenant-wide number of validation slots: a request needs an
 * idle agent core and a free slot to start, and its service time adds the DC's to the agent's, so
 * a small DC caps throughput and the excess waits (and expires) in the one queue.
 * Times are virtual: a core that frees at `at` starts its next validation at `at` even when the
 * timer ran late, so agent throughput does not depend on event-loop lag.
 */
export class Dispatcher<V extends Validation> {
  private readonly queue = new Fifo<V>();
  private idle: AgentRun[] = [];
  private receivingRuns = 0;
  private sweepPending = false;
  private readonly random: () => number;
  private readonly sampler: LognormalSampler;
  private readonly wheel: TimerWheel;
  /** Free directory slots (Infinity without a directory limit). */
  private dcFree: number;
  private readonly dcMeanMs: number;

  constructor(private readonly opts: DispatcherOptions<V>) {
    this.wheel = opts.wheel;
    this.random = seededRandom(opts.seed, 'sim-dispatch');
    this.sampler = new LognormalSampler(this.random);
    this.dcFree = opts.directory?.concurrency ?? Number.POSITIVE_INFINITY;
    this.dcMeanMs = opts.directory?.serviceTimeMs ?? 0;
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  /** Hands a validation to an agent, queues it, or answers 80001 when no agent listens at all. */
  submit(v: V): void {
    const now = this.wheel.now();
    v.arrivedAt = now;
    v.deadline = now + this.opts.ptaTimeoutMs;
    v.expiresAt = now + this.opts.queueTimeoutMs;
    if (this.receivingRuns === 0) {
      v.done = true;
      this.opts.answer(v, 80001, null);
      return;
    }
    if (this.queue.length === 0 && this.dcFree > 0) {
      const run = this.takeIdle();
      if (run !== null) {
        this.begin(run, v, now);
        return;
      }
    }
    this.queue.push(v);
    if (!this.sweepPending) {
      this.sweepPending = true;
      this.wheel.at(v.expiresAt, this.sweep, null);
    }
  }

  /** A run starts (or resumes) listening with all its cores; it serves whatever is queued. */
  listen(run: AgentRun): void {
    this.receivingRuns++;
    for (let i = run.busy; i < run.cores; i++) this.idle.push(run);
    this.pump(this.wheel.now());
  }

  /** A run's receivers leave the queue (drain, or a crash once Entra notices). */
  unlisten(run: AgentRun): void {
    if (!run.accepting) return;
    run.accepting = false;
    this.receivingRuns--;
    this.idle = this.idle.filter((r) => r !== run);
    if (run.busy === 0) this.ended(run);
  }

  /**
   * The agent dies. Its listener looks alive to Entra for `detectionDelayMs` (how fast Entra stops
   * routing to a dead agent is unconfirmed), so it keeps taking its share; nothing it took is answered.
   */
  crash(run: AgentRun): void {
    run.silent = true;
    if (this.opts.detectionDelayMs <= 0) this.unlisten(run);
    else this.wheel.at(this.wheel.now() + this.opts.detectionDelayMs, this.detected, run);
  }

  /** Stops every timer; pending validations are never answered (the server is closing). */
  stop(): void {
    this.wheel.stop();
  }

  private readonly detected = (run: AgentRun): void => this.unlisten(run);

  private takeIdle(): AgentRun | null {
    const idle = this.idle;
    while (idle.length > 0) {
      const i = Math.floor(this.random() * idle.length);
      const run = idle[i]!;
      idle[i] = idle[idle.length - 1]!;
      idle.pop();
      if (run.accepting) return run;
    }
    return null;
  }

  private begin(run: AgentRun, v: V, start: number): void {
    run.busy++;
    run.agent.inFlight++;
    this.dcFree--;
    v.run = run;
    let end = start + this.sampler.sample(run.agent.meanServiceMs);
    if (this.dcMeanMs > 0) end += this.sampler.sample(this.dcMeanMs);
    v.serviceMs = end - start;
    this.wheel.at(end, this.finish, v);
    if (end > v.deadline && !this.waitsForLate) this.wheel.at(v.deadline, this.expire, v);
  }

  private get waitsForLate(): boolean {
    return this.opts.lateAnswerCode === 80014;
  }

  private readonly finish = (v: V, at: number): void => {
    const run = v.run!;
    const agent = run.agent;
    if (!v.done) {
      if (run.silent) {
        if (v.deadline <= this.wheel.now()) this.timeout(v, agent);
        else this.wheel.at(v.deadline, this.expire, v);
      } else if (at > v.deadline) {
        if (this.waitsForLate) {
          agent.timedOut++;
          v.done = true;
          this.opts.answer(v, 80014, agent);
        } else {
          this.timeout(v, agent);
        }
      } else if (agent.errorRate > 0 && this.random() < agent.errorRate) {
        agent.failed++;
        v.done = true;
        this.opts.answer(v, this.random() < 0.5 ? 80007 : 80005, agent);
      } else {
        agent.served++;
        v.done = true;
        this.opts.answer(v, 'checked', agent);
      }
    }
    run.busy--;
    agent.inFlight--;
    this.dcFree++;
    if (run.accepting) this.idle.push(run);
    else if (run.busy === 0) this.ended(run);
    this.pump(at);
  };

  /** Capacity freed at virtual time `at`: idle receivers take the oldest live queued requests. */
  private pump(at: number): void {
    while (this.queue.length > 0 && this.dcFree > 0) {
      const run = this.takeIdle();
      if (run === null) return;
      let started = false;
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        if (next.done) continue;
        const start = Math.max(at, next.arrivedAt);
        // Expired while queued: it must not cost agent time.
        if (start >= next.expiresAt) {
          this.expireQueued(next);
          continue;
        }
        this.begin(run, next, start);
        started = true;
        break;
      }
      if (!started) this.idle.push(run);
    }
  }

  private ended(run: AgentRun): void {
    const agent = run.agent;
    if (agent.run === run && agent.lifecycle === 'draining') agent.lifecycle = 'removed';
  }

  private readonly expire = (v: V): void => {
    if (!v.done) this.timeout(v, v.run?.agent ?? null);
  };

  private timeout(v: V, agent: Agent | null): void {
    v.done = true;
    if (agent !== null) agent.timedOut++;
    this.opts.answer(v, 80002, agent);
  }

  /** Its message is gone; Entra notices at the answer deadline. */
  private expireQueued(v: V): void {
    if (v.deadline <= this.wheel.now()) this.timeout(v, null);
    else this.wheel.at(v.deadline, this.expire, v);
  }

  /** Queued requests expire in arrival order (one TTL for all), so only the head needs a timer. */
  private readonly sweep = (): void => {
    this.sweepPending = false;
    const now = this.wheel.now();
    for (let head = this.queue.peek(); head !== undefined; head = this.queue.peek()) {
      if (!head.done && head.expiresAt > now) {
        this.sweepPending = true;
        this.wheel.at(head.expiresAt, this.sweep, null);
        return;
      }
      this.queue.shift();
      if (!head.done) this.expireQueued(head);
    }
  };
}
