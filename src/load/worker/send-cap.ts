/** One worker's share of a run's rate cap: at most `perWindow` sends in any `windowMs`. */
export interface SendCapSpec {
  readonly perWindow: number;
  readonly windowMs: number;
}

/**
 * Splits a cap (sends per second, whole run) across workers so the shares add up to no more than the cap in
 * any window: a one-second window, or a longer one when the cap is below one send per worker per second.
 */
export function sendCapFor(capPerS: number, workers: number, workerId: number): SendCapSpec {
  const windowS = Math.max(1, Math.ceil(workers / capPerS));
  const total = Math.floor(capPerS * windowS + 1e-9);
  const perWindow = Math.floor(total / workers) + (workerId < total % workers ? 1 : 0);
  return { perWindow: Math.max(1, perWindow), windowMs: windowS * 1000 };
}

/**
 * A hard ceiling on sends, whatever the schedule asks (Poisson arrivals bunch up): a send is allowed only
 * if fewer than `perWindow` went out in the last `windowMs`. A ring of the last sends' times; O(1).
 */
export class SendCap {
  private readonly times: Float64Array;
  private pos = 0;

  constructor(private readonly spec: SendCapSpec) {
    this.times = new Float64Array(spec.perWindow).fill(Number.NEGATIVE_INFINITY);
  }

  /** Takes a slot at `nowMs` if one is free. */
  tryTake(nowMs: number): boolean {
    // The slot at `pos` holds the oldest of the last `perWindow` sends.
    if (this.times[this.pos]! > nowMs - this.spec.windowMs) return false;
    this.times[this.pos] = nowMs;
    this.pos = (this.pos + 1) % this.spec.perWindow;
    return true;
  }
}
