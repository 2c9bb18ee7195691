/** The ramp shape: a rate moving linearly from `from` to `to` over the phase. */
import { z } from 'zod';
import { formatRate, loadRate } from '../quantities.js';
import { checkField, PER_MS, type PhaseShape, phaseDuration, phaseName } from './shape.js';

const schema = z
  .strictObject({
    name: phaseName,
    duration: phaseDuration,
    shape: z.literal('ramp'),
    from: loadRate(),
    to: loadRate(),
  })
  .transform((p) => ({ name: p.name ?? '', durationMs: p.duration, shape: p.shape, from: p.from, to: p.to }));

export const ramp: PhaseShape<typeof schema> = {
  name: 'ramp',
  schema,
  peakRate: (p) => Math.max(p.from, p.to),
  curve: (p) => {
    const d = p.durationMs;
    checkField(p, 'durationMs', d, '≥ 0');
    checkField(p, 'from', p.from, '≥ 0');
    checkField(p, 'to', p.to, '≥ 0');
    const { from } = p;
    const slope = d > 0 ? (p.to - from) / d : 0;
    return {
      durationMs: d,
      rateAt: (t) => from + slope * t,
      integral: (t) => (from * t + (slope * t * t) / 2) * PER_MS,
      // One piece: the rate is linear over the whole phase.
      piece: (k) =>
        k === 0 ? { startMs: 0, endMs: d, ratePerMs: from * PER_MS, slopePerMs2: slope * PER_MS } : undefined,
    };
  },
  describe: (p) => `ramp ${formatRate(p.from)} -> ${formatRate(p.to)}`,
  withRates: (p, f) => ({ ...p, from: f(p.from), to: f(p.to) }),
  withTimes: (p, t) => ({ ...p, durationMs: t(p.durationMs) }),
};
