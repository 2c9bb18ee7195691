/**
 * What an arrival shape is, as k6's executors are arrival models: one strategy per shape, owning its profile
 * schema, its peak rate, its rate curve (rate, integral, linear pieces) and its one-line description.
 * Rates come in per second (as profiles state them); time is in ms; integrals are in arrivals.
 */
import { z } from 'zod';
import { duration } from '../quantities.js';

/** A stretch [startMs, endMs) of a phase whose rate is `ratePerMs + slopePerMs2 · (t − startMs)`. */
export interface Piece {
  readonly startMs: number;
  readonly endMs: number;
  readonly ratePerMs: number;
  readonly slopePerMs2: number;
}

/** One phase's rate as a function of time since the phase began. */
export interface RateShape {
  readonly durationMs: number;
  /** Rate per second at `t` ms into the phase (0 ≤ t < durationMs). */
  rateAt(t: number): number;
  /** Expected arrivals in [0, t). */
  integral(t: number): number;
  /** The k-th linear piece (k = 0, 1, …), or undefined past the last. Pieces tile [0, durationMs), which is what lets a schedule invert the integral exactly. */
  piece(k: number): Piece | undefined;
}

/** Every normalised phase has these; the shape's own fields come beside them. */
interface NormalisedPhase {
  readonly name: string;
  readonly durationMs: number;
  readonly shape: string;
}

/** One arrival shape. `schema` reads a phase as written and normalises it (`duration: 5s` → `durationMs: 5000`). */
export interface PhaseShape<S extends z.ZodType<NormalisedPhase>> {
  readonly name: z.output<S>['shape'];
  readonly schema: S;
  /** The highest rate (per second) the phase asks for. */
  peakRate(phase: z.output<S>): number;
  /** The phase's rate curve; throws a RangeError on values no schema would let through (library callers). */
  curve(phase: z.output<S>): RateShape;
  /** The shape and its figures in a few words: `ramp 100/s -> 900/s`. */
  describe(phase: z.output<S>): string;
  /** Every rate of the phase mapped by `f` (`--rate` scales them all by one factor). */
  withRates(phase: z.output<S>, f: (perS: number) => number): z.output<S>;
  /** Every time of the phase mapped by `t` (`--duration` scales the run's clock), its form kept. */
  withTimes(phase: z.output<S>, t: (ms: number) => number): z.output<S>;
}

/** The fields every phase may have, in the order the published schema lists them. */
export const phaseName = z.string().min(1).max(64).optional();
export const phaseDuration = duration({ positive: true });

export const PER_MS = 1 / 1000;

/** A piece of constant rate. */
export function flat(startMs: number, endMs: number, ratePerS: number): Piece {
  return { startMs, endMs, ratePerMs: ratePerS * PER_MS, slopePerMs2: 0 };
}

/** For phases built by hand rather than parsed: a clear error instead of a schedule that never ends. */
export function checkField(
  phase: NormalisedPhase,
  field: string,
  value: number,
  rule: 'finite' | '≥ 0' | '> 0',
): void {
  const ok = Number.isFinite(value) && (rule === 'finite' || (rule === '≥ 0' ? value >= 0 : value > 0));
  if (!ok) {
    const expected = rule === 'finite' ? 'must be finite' : `must be a finite number ${rule}, got ${value}`;
    throw new RangeError(`phase '${phase.name}': ${field} ${expected}`);
  }
}
