/** A scheduled call: `fn(arg, at)` where `at` is the exact (sub-millisecond) time it was due. */
export type Handler<A> = (arg: A, at: number) => void;

/**
 * Batches timed events by millisecond behind a single Node timer. At 16k validations/s a timer per
 * validation would mean tens of thousands of Timeout objects; here an event is three array slots
 * in its millisecond's bucket and a bucket key in a small heap.
 *
 * Handlers get the time an event was *due*, not when it ran, so a late timer (busy event loop)
 * does not stretch simulated service times: callers chain virtual times from `at`.
 */
export class TimerWheel {
  private readonly buckets = new Map<number, unknown[]>();
  private readonly heap: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private firing = false;
  private stopped = false;
  /** Events due within the next millisecond: run on the next loop turn rather than the next timer tick. */
  private soon: unknown[] = [];
  private immediate: NodeJS.Immediate | undefined;

  constructor(readonly now: () => number = () => performance.now()) {}

  /** Runs `fn(arg, time)` at `time` (same clock as `now()`), or on the next tick if that is past. */
  at<A>(time: number, fn: Handler<A>, arg: A): void {
    if (this.stopped) return;
    if (time - this.now() < 1) {
      this.soon.push(fn, arg, time);
      this.immediate ??= setImmediate(this.runSoon);
      return;
    }
    const key = Math.ceil(time);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(key, bucket);
      this.push(key);
      if (!this.firing && key < this.armedFor) this.arm(key);
    }
    bucket.push(fn, arg, time);
  }

  /** Pending events (for tests and counters). */
  get size(): number {
    let n = this.soon.length / 3;
    for (const b of this.buckets.values()) n += b.length / 3;
    return n;
  }

  /** Drops every pending event; later `at` calls are ignored. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.soon = [];
    this.buckets.clear();
    this.heap.length = 0;
  }

  /** Sub-millisecond waits (fast agents) would otherwise cost a whole timer tick of latency each. */
  private readonly runSoon = (): void => {
    this.immediate = undefined;
    const batch = this.soon;
    this.soon = [];
    for (let i = 0; i < batch.length; i += 3) {
      (batch[i] as Handler<unknown>)(batch[i + 1], batch[i + 2] as number);
    }
  };

  private arm(key: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = key;
    this.timer = setTimeout(this.fire, Math.max(0, key - this.now()));
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.firing = true;
    try {
      const now = this.now();
      // Handlers may schedule events that are already due (catch-up): they join this same loop.
      while (this.heap.length > 0 && this.heap[0]! <= now) {
        const key = this.pop();
        const bucket = this.buckets.get(key)!;
        this.buckets.delete(key);
        for (let i = 0; i < bucket.length; i += 3) {
          (bucket[i] as Handler<unknown>)(bucket[i + 1], bucket[i + 2] as number);
        }
      }
    } finally {
      this.firing = false;
      if (!this.stopped && this.heap.length > 0) this.arm(this.heap[0]!);
    }
  };

  private push(key: number): void {
    const h = this.heap;
    let i = h.length;
    h.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= key) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = key;
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && h[r]! < h[l]! ? r : l;
        if (h[c]! >= last) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
