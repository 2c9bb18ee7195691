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
  /**
   * This worker's (or shard's) part of the run: `count` parts make up the whole schedule, and each part is
   * computed on its own (uniform: arrivals index, index + count, … of the global sequence; Poisson: an
   * independent Poisson stream of 1/count of the rate, since independent Poisson streams add up to one).
   */
  readonly share?: { readonly index: number; readonly count: number };
}

/**
 * The intended start times of a run's sign-ins (ms since run start, fractional), produced lazily.
 * Both models follow the phases' time-varying rate: uniform puts the k-th arrival (k = 1, 2, …) where
 * Λ(t) = k − ½, so every stretch of the run gets its expected count ±1 and none lands on the run's end;
 * Poisson is a non-homogeneous Poisson process made by spacing arrivals with exponential gaps in Λ.
 * Each share costs only its own arrivals: uniform shares take every count-th step of Λ (together exactly
 * the global schedule); Poisson shares are independent streams of rate/count, seeded per share, whose
 * superposition is a Poisson process of the whole rate. Every arrival also gets a sequence number, unique
 * across the shares of a run (k·count + index for the share's k-th), from which its correlation id is made.
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
  /** Arrivals this share has produced so far. */
  private produced = 0;
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
    this.poisson =
      options.arrivals === 'poisson' ? new Rng(shareSeed(options.seed, share.index, share.count)) : undefined;
    this.position = this.poisson ? 0 : share.index;
  }

  /** The next intended arrival time of this share, or undefined when the run has no more. */
  next(): number | undefined {
    if (this.done) return undefined;
    let cum: number;
    if (this.poisson) {
      // Gaps of mean `count` in Λ: this share's stream runs at 1/count of the rate.
      this.position += this.count * this.poisson.nextExp();
      cum = this.position;
    } else {
      cum = this.position + 0.5;
      this.position += this.count;
    }
    const t = this.cursor.timeAt(cum);
    if (t === undefined) this.done = true;
    else this.produced++;
    return t;
  }

  /** Sequence number of the arrival `next()` returned last: unique across the shares of one run. */
  get sequence(): number {
    return (this.produced - 1) * this.count + this.index;
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

/** One share alone keeps the run's seed (a one-worker schedule is the same as before shares); others mix it. */
function shareSeed(seed: number, index: number, count: number): number {
  if (count === 1) return seed;
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (index + 1), 0xc2b2ae35) >>> 0;
  h = Math.imul(h ^ count, 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}
