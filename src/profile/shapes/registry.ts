/** The arrival shapes a profile phase may have: the one list, the phase schema made from it, and lookups by shape. */
import { z } from 'zod';
import { show } from '../quantities.js';
import { burst } from './burst.js';
import { constant } from './constant.js';
import { ramp } from './ramp.js';
import type { RateShape } from './shape.js';
import { step } from './step.js';

/** Adding a shape: a file beside these, and its name here. */
const SHAPES = [constant, ramp, burst, step] as const;

/** The shapes' schemas as a tuple, as z.discriminatedUnion wants them (a mapped type over a tuple stays one). */
type SchemasOf<T extends readonly { readonly schema: unknown }[]> = {
  -readonly [K in keyof T]: T[K]['schema'];
};

const names = SHAPES.map((s) => s.name);
const nameList = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;

/** One load phase as written, checked and normalised by its shape's own schema. */
export const phaseSchema = z.discriminatedUnion(
  'shape',
  SHAPES.map((s) => s.schema) as unknown as SchemasOf<typeof SHAPES>,
  {
    error: (iss) =>
      `expected shape to be ${nameList}, got ${show((iss.input as { shape?: unknown } | undefined)?.shape)}`,
  },
);

/** A normalised phase of any shape. */
export type ShapedPhase = z.output<typeof phaseSchema>;

type AnyShape = (typeof SHAPES)[number];
const byName = new Map<string, AnyShape>(SHAPES.map((s) => [s.name, s]));

/** The strategy of a phase's shape. The list above pairs each name with the strategy that reads that shape. */
function strategyOf(phase: ShapedPhase): {
  peakRate(p: ShapedPhase): number;
  curve(p: ShapedPhase): RateShape;
  describe(p: ShapedPhase): string;
  withRates(p: ShapedPhase, f: (perS: number) => number): ShapedPhase;
  withTimes(p: ShapedPhase, t: (ms: number) => number): ShapedPhase;
} {
  const strategy = byName.get(phase.shape);
  if (!strategy) throw new RangeError(`phase '${phase.name}': unknown shape '${String(phase.shape)}'`);
  return strategy as unknown as ReturnType<typeof strategyOf>;
}

/** The highest target rate (per second) a phase asks for. */
export function peakRate(phase: ShapedPhase): number {
  return strategyOf(phase).peakRate(phase);
}

/** The phase's rate, integral and linear pieces, as time since the phase began. */
export function rateShapeOf(phase: ShapedPhase): RateShape {
  return strategyOf(phase).curve(phase);
}

/** The shape and its figures in a few words (`ramp 100/s -> 900/s`). */
export function describeShape(phase: ShapedPhase): string {
  return strategyOf(phase).describe(phase);
}

/** The phase with every rate mapped by `f`. */
export function withRates(phase: ShapedPhase, f: (perS: number) => number): ShapedPhase {
  return strategyOf(phase).withRates(phase, f);
}

/** The phase with every time mapped by `t`. */
export function withTimes(phase: ShapedPhase, t: (ms: number) => number): ShapedPhase {
  return strategyOf(phase).withTimes(phase, t);
}
