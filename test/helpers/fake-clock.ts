/** A manual clock for the coordinator's parts: time moves only when a test advances it, and due timers run in order. */
import type { Cancel, Clock } from '../../src/load/clock.js';

interface Timer {
  readonly id: number;
  at: number;
  readonly every: number | undefined;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private nextId = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(startEpochMs = 1_700_000_000_000) {
    this.t = startEpochMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): Cancel {
    return this.add(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): Cancel {
    return this.add(fn, ms, Math.max(1, ms));
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, each at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let due: Timer | undefined;
      for (const timer of this.timers.values()) {
        if (timer.at <= end && (due === undefined || timer.at < due.at)) due = timer;
      }
      if (due === undefined) break;
      this.t = Math.max(this.t, due.at);
      if (due.every === undefined) this.timers.delete(due.id);
      else due.at += due.every;
      due.fn();
    }
    this.t = end;
  }

  private add(fn: () => void, ms: number, every: number | undefined): Cancel {
    const id = this.nextId++;
    // Like Node's timers, a negative wait counts as none: the timer runs on the next advance, never inside this call.
    this.timers.set(id, { id, at: this.t + Math.max(0, ms), every, fn });
    return () => this.timers.delete(id);
  }
}
