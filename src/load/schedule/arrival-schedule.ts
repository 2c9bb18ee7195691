import { InverseCursor, RateCurve } from '../../profile/rate-curve.js';
import type { ShapedPhase } from '../../profile/shapes/registry.js';
import { Rng } from '../../seeded-random.js';

/** What a schedule is made of: normalised profile phases, each following its shape's rate curve. */
export type SchedulePhase = ShapedPhase;

export type ArrivalModel = 'uniform' | 'poisson';

export interface ArrivalOptions {
  readonly arrivals: ArrivalModel;
  /** Seeds Poisson gaps; every share of one run must use the same seed. Ignored for uniform arrivals. */
  readonly seed: number;
  /** Keep only arrivals index, index + count, index + 2·count, … of the run's one global sequence. */
  readonly share?: { readonly index: number; readonly count: number };
}

/**
 * The intended start times of a run's sign-ins (ms since run start, fractional), produced lazily.
 * Both models follow the phases' time-varying rate: uniform puts the k-th arrival (k = 1, 2, …) where
 * Λ(t) = k − ½, so every stretch of the run gets its expected count ±1 and none lands on the run's end;
 * Poisson is a non-homogeneous Poisson process made by spacing arrivals with exponential gaps in Λ.
 * Shares split the global sequence without changing it: every worker walks the same sequence and keeps
 * every count-th arrival, so the shares are disjoint and together are exactly the global schedule.
 */
export class ArrivalSchedule {
  readonly totalDurationMs: number;
  private readonly curve: RateCurve;
  private readonly cursor: InverseCursor;
  private readonly poisson: Rng | undefined;
  private readonly index: number;
  private readonly count: number;
  /** Global index of the next arrival to consider (uniform), or Λ reached so far (Poisson). */
  private position: number;
  private done = false;

  constructor(phases: readonly SchedulePhase[], options: ArrivalOptions) {
    const share = options.share ?? { index: 0, count: 1 };
    if (!Number.isInteger(share.count) || share.count < 1 || !Number.isInteger(share.index)) {
      throw new RangeError(`share count must be an integer ≥ 1, got ${share.count}`);
    }
    if (share.index < 0 || share.index >= share.count) {
      throw new RangeError(`share index must be in 0..${share.count - 1}, got ${share.index}`);
    }
    this.curve = new RateCurve(phases);
    this.cursor = new InverseCursor(this.curve);
    this.totalDurationMs = this.curve.totalDurationMs;
    this.index = share.index;
    this.count = share.count;
    this.poisson = options.arrivals === 'poisson' ? new Rng(options.seed) : undefined;
    this.position = this.poisson ? 0 : share.index;
  }

  /** The next intended arrival time of this share, or undefined when the run has no more. */
  next(): number | undefined {
    if (this.done) return undefined;
    let cum: number;
    if (this.poisson) {
      // Arrivals of other shares still consume their gaps, so every share sees the same global sequence.
      for (let i = 0; i < this.index; i++) this.position += this.poisson.nextExp();
      this.position += this.poisson.nextExp();
      cum = this.position;
      for (let i = this.index + 1; i < this.count; i++) this.position += this.poisson.nextExp();
    } else {
      cum = this.position + 0.5;
      this.position += this.count;
    }
    const t = this.cursor.timeAt(cum);
    if (t === undefined) this.done = true;
    return t;
  }

  /** Target rate per second at `tMs` (0 outside the run). */
  rateAt(tMs: number): number {
    return this.curve.rateAt(tMs);
  }

  /** Mean target rate per second over [fromMs, toMs): the whole run's, not this share's. */
  meanRate(fromMs: number, toMs: number): number {
    if (!(toMs > fromMs)) return this.rateAt(fromMs);
    return ((this.curve.cumulative(toMs) - this.curve.cumulative(fromMs)) * 1000) / (toMs - fromMs);
  }

  /** Arrivals the whole run expects in [fromMs, toMs). */
  expectedArrivals(fromMs: number, toMs: number): number {
    return Math.max(0, this.curve.cumulative(toMs) - this.curve.cumulative(fromMs));
  }

  /** The phase running at `tMs` (clamped to the first or last phase outside the run). */
  phaseAt(tMs: number): { readonly index: number; readonly name: string } {
    const index = this.curve.phaseIndexAt(tMs);
    return { index, name: this.curve.phases[index]!.name };
  }
}
