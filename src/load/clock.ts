/** The coordinator's clock: what its parts read and wait on, injected so their tests need not sleep. */
import { performance } from 'node:perf_hooks';

/** Cancels a wait made with `Clock.setTimeout` or `Clock.setInterval`; calling it twice is harmless. */
export type Cancel = () => void;

export interface Clock {
  /**
   * Epoch milliseconds with sub-millisecond precision. Epoch-based because each thread's
   * `performance.timeOrigin` differs; time since the epoch is what the coordinator and its workers share.
   */
  now(): number;
  setTimeout(fn: () => void, ms: number): Cancel;
  setInterval(fn: () => void, ms: number): Cancel;
}

export const realClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
};

/** Time since the run's time zero, which is set once every worker is loaded; 0 until then. */
export class RunClock {
  private zeroEpochMs = Number.NaN;

  constructor(readonly clock: Clock) {}

  get started(): boolean {
    return !Number.isNaN(this.zeroEpochMs);
  }

  /** Epoch ms of time zero (NaN before `begin`). */
  get startEpochMs(): number {
    return this.zeroEpochMs;
  }

  begin(startEpochMs: number): void {
    this.zeroEpochMs = startEpochMs;
  }

  /** ms since time zero (negative in the moments before it), or 0 before time zero is set. */
  elapsed(): number {
    return this.started ? this.clock.now() - this.zeroEpochMs : 0;
  }
}
