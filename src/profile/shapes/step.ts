/** The step shape: `start`, then `increment` more every `every`, never past `until`. */
import { z } from 'zod';
import { duration, formatDuration, formatRate, loadRate } from '../quantities.js';
import { checkField, flat, PER_MS, type PhaseShape, phaseDuration, phaseName } from './shape.js';

const schema = z
  .strictObject({
    name: phaseName,
    duration: phaseDuration.optional().meta({ description: 'Default: one `every` per step up to `until`.' }),
    shape: z.literal('step'),
    start: loadRate(),
    increment: loadRate({ positive: true }),
    every: duration({ positive: true }).meta({ description: 'How long each step lasts.' }),
    until: loadRate({ positive: true }).meta({ description: 'The highest step rate.' }),
  })
  .check((ctx) => {
    if (ctx.value.until < ctx.value.start) {
      ctx.issues.push({
        code: 'custom',
        path: ['until'],
        input: ctx.value.until,
        message: 'must not be lower than start',
      });
    }
  })
  .transform((p) => ({
    name: p.name ?? '',
    durationMs: p.duration ?? stepCount(p.start, p.increment, p.until) * p.every,
    shape: p.shape,
    start: p.start,
    increment: p.increment,
    everyMs: p.every,
    until: p.until,
  }));

/** Steps from `start` to `until` inclusive (the last may be capped at `until`). */
function stepCount(start: number, increment: number, until: number): number {
  return Math.max(0, Math.ceil((until - start) / increment - 1e-9)) + 1;
}

type StepPhase = z.output<typeof schema>;

function peakRate(p: StepPhase): number {
  const steps = Math.max(1, Math.ceil(p.durationMs / p.everyMs - 1e-9));
  return Math.min(p.until, p.start + (steps - 1) * p.increment);
}

export const step: PhaseShape<typeof schema> = {
  name: 'step',
  schema,
  peakRate,
  curve: (p) => {
    const d = p.durationMs;
    const { start, increment, everyMs, until } = p;
    checkField(p, 'durationMs', d, '≥ 0');
    checkField(p, 'start', start, '≥ 0');
    checkField(p, 'until', until, '≥ 0');
    checkField(p, 'everyMs', everyMs, '> 0');
    checkField(p, 'increment', increment, 'finite');
    // Steps before this index are below `until`; the rest sit at `until` (in the direction of the increment).
    let unclamped = Number.POSITIVE_INFINITY;
    if (increment > 0) unclamped = start > until ? 0 : Math.floor((until - start) / increment) + 1;
    else if (increment < 0) unclamped = start < until ? 0 : Math.floor((start - until) / -increment) + 1;
    const rateOfStep = (j: number): number => (j < unclamped ? start + j * increment : until);
    return {
      durationMs: d,
      rateAt: (t) => rateOfStep(Math.floor(t / everyMs)),
      integral: (t) => {
        const j = Math.floor(t / everyMs);
        const q = Math.min(j, unclamped);
        const full = (q * start + (increment * q * (q - 1)) / 2 + (j - q) * until) * everyMs;
        return (full + rateOfStep(j) * (t - j * everyMs)) * PER_MS;
      },
      piece: (k) => {
        const s = k * everyMs;
        if (s >= d) return undefined;
        return flat(s, Math.min(s + everyMs, d), rateOfStep(k));
      },
    };
  },
  describe: (p) =>
    `step ${formatRate(p.start)} +${formatRate(p.increment)} every ${formatDuration(p.everyMs)} up to ${formatRate(peakRate(p))}`,
  withRates: (p, f) => ({ ...p, start: f(p.start), increment: f(p.increment), until: f(p.until) }),
  withTimes: (p, t) => {
    const everyMs = t(p.everyMs);
    const steps = p.durationMs / p.everyMs;
    // A whole number of steps stays whole: rounding must not add a sliver of one more (higher) step.
    const whole = Math.abs(steps - Math.round(steps)) < 1e-9;
    return { ...p, durationMs: whole ? Math.round(steps) * everyMs : t(p.durationMs), everyMs };
  },
};
