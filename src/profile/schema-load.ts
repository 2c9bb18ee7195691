/** The `load` section of a profile: generator settings and the phases, each read by its shape (shapes/). */
import { z } from 'zod';
import { duration, show } from './quantities.js';
import { phaseSchema } from './shapes/registry.js';

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
    correlation: z.enum(['sample', 'all']).default('sample').meta({
      description:
        'Which successful sign-ins correlation.csv keeps by correlation id: a seeded 1 % sample, or all (for joining every sign-in with Entra sign-in logs). Failures are always kept.',
    }),
    lateThreshold: duration()
      .prefault('5ms')
      .meta({ description: 'A send later than this after its intended time counts as a late start.' }),
    phases: z
      .array(phaseSchema)
      .min(1, { error: 'needs at least one phase, e.g. { duration: 30s, shape: constant, rate: 100/s }' }),
  })
  .transform(({ timeout, interval, lateThreshold, phases, ...rest }) => ({
    ...rest,
    timeoutMs: timeout,
    intervalMs: interval,
    lateThresholdMs: lateThreshold,
    phases: phases.map((p, i) => ({ ...p, name: p.name || `phase-${i + 1}` })),
  }));
