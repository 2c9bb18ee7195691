import { Fifo } from './fifo.js';
import type { DirectoryCapacity } from './options.js';
import type { LognormalSampler } from './service-time.js';
import type { TimerWheel } from './timer-wheel.js';

/** What the directory stage needs of a validation: when the agent's own work on it ended. */
export interface DirectoryCall {
  readyAt: number;
}

/**
 * The on-prem domain controller every agent's logon call goes through. With few slots it becomes
 * the bottleneck: agent cores stay held while their call waits here, as a blocked LogonUser would.
 * It does not know Entra gave up on a request, so calls for timed-out requests still use it.
 */
export class DirectoryStage<V extends DirectoryCall> {
  private busy = 0;
  private readonly waiting = new Fifo<V>();

  constructor(
    private readonly capacity: DirectoryCapacity,
    private readonly sampler: LognormalSampler,
    private readonly wheel: TimerWheel,
    private readonly done: (v: V, at: number) => void,
  ) {}

  get queueDepth(): number {
    return this.waiting.length;
  }

  /** The call is ready at `at`: start it or wait for a free slot. */
  enter(v: V, at: number): void {
    v.readyAt = at;
    if (this.busy < this.capacity.concurrency) this.begin(v, at);
    else this.waiting.push(v);
  }

  private begin(v: V, at: number): void {
    this.busy++;
    this.wheel.at(at + this.sampler.sample(this.capacity.serviceTimeMs), this.finish, v);
  }

  private readonly finish = (v: V, at: number): void => {
    this.busy--;
    const next = this.waiting.shift();
    if (next !== undefined) this.begin(next, Math.max(at, next.readyAt));
    this.done(v, at);
  };
}
