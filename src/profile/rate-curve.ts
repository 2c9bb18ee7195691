import { rateShapeOf, type ShapedPhase } from './shapes/registry.js';
import type { Piece, RateShape } from './shapes/shape.js';

/**
 * The target rate of a whole run: phases laid end to end. Λ(t), the arrivals expected in [0, t), is what
 * both arrival models work in: uniform arrivals sit at fixed steps of Λ, Poisson arrivals at exponential
 * steps of Λ (time rescaling), and `InverseCursor` maps a Λ value back to a time.
 */
export class RateCurve {
  readonly totalDurationMs: number;
  /** Λ at the run's end: the arrivals the whole run expects. */
  readonly totalExpected: number;
  readonly phases: readonly ShapedPhase[];
  readonly shapes: readonly RateShape[];
  /** Start of each phase, ms since run start. */
  readonly startMs: readonly number[];
  /** Λ at each phase's start, and at its end. */
  readonly cumStart: readonly number[];
  readonly cumEnd: readonly number[];

  constructor(phases: readonly ShapedPhase[]) {
    if (phases.length === 0) throw new RangeError('a schedule needs at least one phase');
    this.phases = phases;
    this.shapes = phases.map(rateShapeOf);
    const startMs: number[] = [];
    const cumStart: number[] = [];
    const cumEnd: number[] = [];
    let t = 0;
    let cum = 0;
    for (const shape of this.shapes) {
      startMs.push(t);
      cumStart.push(cum);
      cum += shape.integral(shape.durationMs);
      cumEnd.push(cum);
      t += shape.durationMs;
    }
    this.startMs = startMs;
    this.cumStart = cumStart;
    this.cumEnd = cumEnd;
    this.totalDurationMs = t;
    this.totalExpected = cum;
  }

  /** Index of the phase running at `tMs`, clamped to the first/last phase outside the run. */
  phaseIndexAt(tMs: number): number {
    let lo = 0;
    let hi = this.startMs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.startMs[mid]! <= tMs) lo = mid;
      else hi = mid - 1;
    }
    // A zero-length phase never runs; the moment it would start belongs to the next one.
    while (lo < this.shapes.length - 1 && this.shapes[lo]!.durationMs === 0) lo++;
    return lo;
  }

  /** Target rate per second at `tMs` (0 outside the run). */
  rateAt(tMs: number): number {
    if (!(tMs >= 0 && tMs < this.totalDurationMs)) return 0;
    const i = this.phaseIndexAt(tMs);
    return this.shapes[i]!.rateAt(tMs - this.startMs[i]!);
  }

  /** Λ(t): arrivals expected in [0, tMs). */
  cumulative(tMs: number): number {
    if (!(tMs > 0)) return 0;
    if (tMs >= this.totalDurationMs) return this.totalExpected;
    const i = this.phaseIndexAt(tMs);
    return this.cumStart[i]! + this.shapes[i]!.integral(tMs - this.startMs[i]!);
  }

  /** First phase whose arrivals reach `cum` (one with cumEnd ≥ cum that expects any arrivals). */
  phaseHolding(cum: number): number {
    let lo = 0;
    let hi = this.cumEnd.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumEnd[mid]! >= cum) hi = mid;
      else lo = mid + 1;
    }
    while (lo < this.cumEnd.length - 1 && this.cumEnd[lo]! <= this.cumStart[lo]!) lo++;
    return lo;
  }
}

/**
 * Maps increasing values of Λ back to times, walking the curve's linear pieces forward only, so a whole
 * run costs O(arrivals + pieces). Within a piece the rate is linear, so Λ is quadratic and inverts exactly.
 */
export class InverseCursor {
  private phase = -1;
  private k = 0;
  private piece: Piece | undefined;
  private phaseStartMs = 0;
  private cum0 = 0;
  private cum1 = 0;

  constructor(private readonly curve: RateCurve) {}

  /** The time at which Λ reaches `cum`; undefined once `cum` is past the run's end. Calls must not decrease `cum`. */
  timeAt(cum: number): number | undefined {
    const curve = this.curve;
    if (cum > curve.totalExpected) return undefined;
    if (this.phase < 0 || cum > curve.cumEnd[this.phase]!) {
      this.phase = curve.phaseHolding(cum);
      this.phaseStartMs = curve.startMs[this.phase]!;
      this.load(0);
    }
    const shape = curve.shapes[this.phase]!;
    while (cum > this.cum1 && this.piece !== undefined) this.load(this.k + 1);
    const piece = this.piece;
    if (piece === undefined) return this.phaseStartMs + shape.durationMs;
    const a = cum - this.cum0;
    const r = piece.ratePerMs;
    // Root of r·Δ + s·Δ²/2 = a, in the form that stays exact as s → 0.
    const disc = r * r + 2 * piece.slopePerMs2 * a;
    const root = Math.sqrt(Math.max(disc, 0));
    const delta = r + root > 0 ? (2 * a) / (r + root) : 0;
    const t = piece.startMs + Math.min(Math.max(delta, 0), piece.endMs - piece.startMs);
    return this.phaseStartMs + t;
  }

  private load(k: number): void {
    const shape = this.curve.shapes[this.phase]!;
    const base = this.curve.cumStart[this.phase]!;
    this.k = k;
    this.piece = shape.piece(k);
    if (this.piece === undefined) return;
    this.cum0 = base + shape.integral(this.piece.startMs);
    this.cum1 = base + shape.integral(this.piece.endMs);
  }
}
