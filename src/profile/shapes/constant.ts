/** The constant shape: one rate for the whole phase. */
import { z } from 'zod';
import { formatRate, loadRate } from '../quantities.js';
import { checkField, flat, PER_MS, type PhaseShape, phaseDuration, phaseName } from './shape.js';

const schema = z
  .strictObject({
    name: phaseName,
    duration: phaseDuration,
    shape: z.literal('constant'),
    rate: loadRate(),
  })
  .transform((p) => ({ name: p.name ?? '', durationMs: p.duration, shape: p.shape, rate: p.rate }));

export const constant: PhaseShape<typeof schema> = {
  name: 'constant',
  schema,
  peakRate: (p) => p.rate,
  curve: (p) => {
    const d = p.durationMs;
    checkField(p, 'durationMs', d, '≥ 0');
    checkField(p, 'rate', p.rate, '≥ 0');
    return {
      durationMs: d,
      rateAt: () => p.rate,
      integral: (t) => p.rate * t * PER_MS,
      piece: (k) => (k === 0 ? flat(0, d, p.rate) : undefined),
    };
  },
  describe: (p) => `constant ${formatRate(p.rate)}`,
  withRates: (p, f) => ({ ...p, rate: f(p.rate) }),
  withTimes: (p, t) => ({ ...p, durationMs: t(p.durationMs) }),
};
