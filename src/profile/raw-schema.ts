/** The profile as written, field by field: the zod object every other profile type derives from. */
import { z } from 'zod';
import { MAX_GENERATED_USERS } from '../users/generate.js';
import { duration, name, share } from './quantities.js';
import { type agentSpecSchema, agentsSchema } from './schema-agents.js';
import { loadSchema } from './schema-load.js';
import type { simTargetSchema } from './schema-sim-target.js';
import { type entraTargetSchema, targetSchema } from './schema-target.js';
import { parseThreshold, THRESHOLD_HINT } from './thresholds.js';

const usersSchema = z
  .strictObject({
    generate: z.int().min(1).max(MAX_GENERATED_USERS).optional().meta({
      description: 'Synthetic users (sim only); default 1000 when the target is sim and no file is given.',
    }),
    file: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "CSV username,password[,state], relative to the profile's folder." }),
    states: z
      .strictObject({
        disabled: share().optional(),
        expired: share().optional(),
        mfa: share().optional(),
        'ca-blocked': share().optional(),
      })
      .optional()
      .meta({
        description:
          'Generated users only: shares of disabled, AD-password-expired, MFA-required and Conditional-Access-blocked accounts.',
      }),
    wrongPasswordShare: share()
      .prefault(0)
      .meta({ description: 'Share of sign-ins sent with a deliberately wrong password.' }),
  })
  .prefault({});

const thresholdSchema = z
  .string()
  .transform((text, ctx) => {
    const parsed = parseThreshold(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.error, input: text });
      return z.NEVER;
    }
    return parsed.threshold;
  })
  .meta({ description: THRESHOLD_HINT });

const refineSchema = z
  .strictObject({
    within: share()
      .prefault('2%')
      .meta({ description: 'Probe until capacity is known to within this share above the knee.' }),
    probes: z
      .int()
      .min(1)
      .max(12)
      .default(5)
      .meta({ description: 'At most this many probes per agent count.' }),
    hold: duration({ positive: true })
      .prefault('6s')
      .meta({ description: "Each probe's judged rate lasts this long (after a lead-in ramp as long)." }),
  })
  .transform(({ within, probes, hold }) => ({ within, probes, holdMs: hold }))
  .meta({
    description:
      "After each count's ramp, bisect the rate between its last passing and first failing step, one short run per probe, so the knee does not depend on the step size.",
  });

const sweepSchema = z
  .strictObject({
    agentCounts: z
      .array(z.int().min(1).max(40))
      .min(1)
      .meta({ description: 'Repeat load.phases once for each number of active agents.' }),
    settle: duration().prefault('5s').meta({ description: 'Idle time between counts.' }),
    stopWhen: z
      .strictObject({ p99: duration({ positive: true }).optional(), errorRate: share().optional() })
      .optional()
      .meta({ description: "End a count's phases early once an interval breaks these." }),
    refine: refineSchema.optional(),
  })
  .transform(({ agentCounts, settle, stopWhen, refine }) => ({
    agentCounts,
    settleMs: settle,
    stopWhen: {
      ...(stopWhen?.p99 === undefined ? {} : { p99Ms: stopWhen.p99 }),
      ...(stopWhen?.errorRate === undefined ? {} : { errorRate: stopWhen.errorRate }),
    },
    ...(refine === undefined ? {} : { refine }),
  }));

/** The profile as written, checked field by field (before cross-checks and defaults that span fields). */
export const profileObjectSchema = z.strictObject({
  $schema: z.string().optional().meta({ description: 'Path or URL of profile.schema.json, for editors.' }),
  name: name('a profile name').meta({ description: 'Names the results folder: [A-Za-z0-9._-], up to 64.' }),
  description: z.string().optional().meta({ description: 'What this profile is for.' }),
  target: targetSchema,
  users: usersSchema,
  agents: agentsSchema,
  load: loadSchema,
  thresholds: z.array(thresholdSchema).default([]).meta({ description: THRESHOLD_HINT }),
  sweep: sweepSchema.optional(),
});

export type RawProfile = z.output<typeof profileObjectSchema>;
export type SimTarget = z.output<typeof simTargetSchema>;
export type EntraTarget = z.output<typeof entraTargetSchema>;
export type AgentSpec = z.output<typeof agentSpecSchema>;
export type Phase = RawProfile['load']['phases'][number];
