/** The burst shape: a base rate with spikes of `width` every `every`, the first at `offset`. */
import { z } from 'zod';
import { duration, formatDuration, formatRate, loadRate } from '../quantities.js';
import { checkField, flat, PER_MS, type PhaseShape, phaseDuration, phaseName } from './shape.js';

const schema = z
  .strictObject({
    name: phaseName,
    duration: phaseDuration,
    shape: z.literal('burst'),
    base: loadRate().meta({ description: 'Rate between spikes.' }),
    spike: loadRate().meta({ description: 'Rate during a spike.' }),
    width: duration({ positive: true }).meta({ description: 'How long each spike lasts.' }),
    every: duration({ positive: true }).meta({ description: 'Spike period, start to start.' }),
    offset: duration().prefault(0).meta({ description: 'When the first spike starts within the phase.' }),
  })
  .check((ctx) => {
    const v = ctx.value;
    if (v.width > v.every) {
      ctx.issues.push({
        code: 'custom',
        path: ['width'],
        input: v.width,
        message: 'must not be longer than every (the spike period)',
      });
    }
    if (v.offset >= v.every) {
      ctx.issues.push({
        code: 'custom',
        path: ['offset'],
        input: v.offset,
        message: 'must be shorter than every (the spike period)',
      });
    }
  })
  .transform((p) => ({
    name: p.name ?? '',
    durationMs: p.duration,
    shape: p.shape,
    base: p.base,
    spike: p.spike,
    widthMs: p.width,
    everyMs: p.every,
    offsetMs: p.offset,
  }));

export const burst: PhaseShape<typeof schema> = {
  name: 'burst',
  schema,
  peakRate: (p) => Math.max(p.base, p.spike),
  curve: (p) => {
    const d = p.durationMs;
    const { base, spike, everyMs, offsetMs } = p;
    checkField(p, 'durationMs', d, '≥ 0');
    checkField(p, 'base', base, '≥ 0');
    checkField(p, 'spike', spike, '≥ 0');
    checkField(p, 'widthMs', p.widthMs, '≥ 0');
    checkField(p, 'everyMs', everyMs, '> 0');
    checkField(p, 'offsetMs', offsetMs, '≥ 0');
    const width = Math.min(p.widthMs, everyMs);
    /** Time spent in spikes within [0, t). */
    const spikeTime = (t: number): number => {
      if (t <= offsetMs) return 0;
      const u = t - offsetMs;
      const periods = Math.floor(u / everyMs);
      return periods * width + Math.min(u - periods * everyMs, width);
    };
    return {
      durationMs: d,
      rateAt: (t) => {
        if (t < offsetMs) return base;
        const u = t - offsetMs;
        return u - Math.floor(u / everyMs) * everyMs < width ? spike : base;
      },
      integral: (t) => (base * t + (spike - base) * spikeTime(t)) * PER_MS,
      // Pieces: the stretch before the offset, then spike and base in turn.
      piece: (k) => {
        if (k === 0) return flat(0, Math.min(offsetMs, d), base);
        const periodStart = offsetMs + Math.floor((k - 1) / 2) * everyMs;
        const isSpike = (k - 1) % 2 === 0;
        const start = isSpike ? periodStart : periodStart + width;
        if (start >= d) return undefined;
        return flat(
          start,
          Math.min(isSpike ? periodStart + width : periodStart + everyMs, d),
          isSpike ? spike : base,
        );
      },
    };
  },
  describe: (p) =>
    `burst ${formatRate(p.base)}, spikes of ${formatRate(p.spike)} for ${formatDuration(p.widthMs)} every ${formatDuration(p.everyMs)}${p.offsetMs ? ` from ${formatDuration(p.offsetMs)}` : ''}`,
  withRates: (p, f) => ({ ...p, base: f(p.base), spike: f(p.spike) }),
  withTimes: (p, t) => {
    const everyMs = t(p.everyMs);
    // Rounding must neither widen a spike past its period nor push the first spike a whole period out.
    return {
      ...p,
      durationMs: t(p.durationMs),
      widthMs: Math.min(t(p.widthMs), everyMs),
      everyMs,
      offsetMs: Math.min(t(p.offsetMs), everyMs - 0.001),
    };
  },
};
