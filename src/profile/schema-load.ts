import { z } from 'zod';
import { duration, rate, show } from './quantities.js';

const phaseName = z.string().min(1).max(64).optional();
const phaseDuration = duration({ positive: true });

const constant = z.strictObject({
  name: phaseName,
  duration: phaseDuration,
  shape: z.literal('constant'),
  rate: rate(),
});
const ramp = z.strictObject({
  name: phaseName,
  duration: phaseDuration,
  shape: z.literal('ramp'),
  from: rate(),
  to: rate(),
});
const burst = z
  .strictObject({
    name: phaseName,
    duration: phaseDuration,
    shape: z.literal('burst'),
    base: rate().meta({ description: 'Rate between spikes.' }),
    spike: rate().meta({ description: 'Rate during a spike.' }),
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
  });
const step = z
  .strictObject({
    name: phaseName,
    duration: phaseDuration.optional().meta({ description: 'Default: one `every` per step up to `until`.' }),
    shape: z.literal('step'),
    start: rate(),
    increment: rate({ positive: true }),
    every: duration({ positive: true }).meta({ description: 'How long each step lasts.' }),
    until: rate({ positive: true }).meta({ description: 'The highest step rate.' }),
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
  });

/** Steps from `start` to `until` inclusive (the last may be capped at `until`). */
function stepCount(start: number, increment: number, until: number): number {
  return Math.max(0, Math.ceil((until - start) / increment - 1e-9)) + 1;
}

const phase = z
  .discriminatedUnion('shape', [constant, ramp, burst, step], {
    error: (iss) =>
      `expected shape to be constant, ramp, burst or step, got ${show((iss.input as { shape?: unknown } | undefined)?.shape)}`,
  })
  .transform((p) => {
    const name = p.name ?? '';
    switch (p.shape) {
      case 'constant':
        return { name, durationMs: p.duration, shape: p.shape, rate: p.rate };
      case 'ramp':
        return { name, durationMs: p.duration, shape: p.shape, from: p.from, to: p.to };
      case 'burst':
        return {
          name,
          durationMs: p.duration,
          shape: p.shape,
          base: p.base,
          spike: p.spike,
          widthMs: p.width,
          everyMs: p.every,
          offsetMs: p.offset,
        };
      case 'step':
        return {
          name,
          durationMs: p.duration ?? stepCount(p.start, p.increment, p.until) * p.every,
          shape: p.shape,
          start: p.start,
          increment: p.increment,
          everyMs: p.every,
          until: p.until,
        };
    }
  });

export const loadSchema = z
  .strictObject({
    workers: z
      .union([z.literal('auto'), z.int().min(1).max(64)], {
        error: (iss) => `expected a number of worker threads (1-64) or 'auto', got ${show(iss.input)}`,
      })
      .default('auto')
      .meta({ description: "Worker threads; 'auto' = min(4, cores)." }),
    connections: z
      .int()
      .min(1)
      .max(100_000)
      .default(1024)
      .meta({ description: 'Cap on open sockets, all workers together.' }),
    timeout: duration({ positive: true })
      .prefault('30s')
      .meta({ description: 'Client-side request timeout.' }),
    interval: duration({ min: 100, max: 60_000 })
      .prefault('1s')
      .meta({ description: 'Histogram interval, 100ms..60s.' }),
    arrivals: z.enum(['uniform', 'poisson']).default('poisson'),
    lateThreshold: duration()
      .prefault('5ms')
      .meta({ description: 'A send later than this after its intended time counts as a late start.' }),
    phases: z
      .array(phase)
      .min(1, { error: 'needs at least one phase, e.g. { duration: 30s, shape: constant, rate: 100/s }' }),
  })
  .transform(({ timeout, interval, lateThreshold, phases, ...rest }) => ({
    ...rest,
    timeoutMs: timeout,
    intervalMs: interval,
    lateThresholdMs: lateThreshold,
    phases: phases.map((p, i) => ({ ...p, name: p.name || `phase-${i + 1}` })),
  }));
