/** The simulated tenant as a profile configures it (`target: { kind: sim }`): every behaviour `ptaload sim` has a flag for. */
import { z } from 'zod';
import { injectCodeSchema, SIM_DEFAULTS } from '../protocol/sim-defaults.js';
import { dnsDomain, duration, formatDuration, guid, secretEnvName, share } from './quantities.js';

const DEFAULT_TENANT_ID = '8eaef023-2b34-4da1-9baa-8bc8c9d6a490';
const DEFAULT_CLIENT_ID = '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa';
const DEFAULT_DOMAIN = 'contoso.test';

/** What the simulator takes across its launch pipe (a day), so a longer one is refused here, naming the field. */
const DAY_MS = 86_400_000;
const span = () => duration({ positive: true, max: DAY_MS });
const defaultSpan = (ms: number) => span().prefault(formatDuration(ms));

const lockoutSchema = z
  .strictObject({
    threshold: z
      .int()
      .min(1)
      .max(1000)
      .default(SIM_DEFAULTS.lockout.threshold)
      .meta({ description: 'Wrong passwords that lock the account (Entra: 10; 3 in US Government).' }),
    duration: defaultSpan(SIM_DEFAULTS.lockout.durationMs).meta({ description: 'First lockout length.' }),
    growth: z
      .number()
      .min(1)
      .max(100)
      .default(SIM_DEFAULTS.lockout.growth)
      .meta({ description: 'Each further lockout lasts this many times longer than the one before.' }),
    hashTracking: z.boolean().default(SIM_DEFAULTS.lockout.hashTracking).meta({
      description:
        'Do not count a repeat of one of the last three wrong passwords: password hash sync. With PTA (false) every wrong password counts.',
    }),
  })
  .prefault({})
  .meta({
    description: 'Smart lockout: failures before an account locks, for how long, and how repeats grow.',
  });

const onPremLockoutSchema = z
  .strictObject({
    threshold: z.int().min(1).max(1000).meta({ description: 'Bad passwords that lock the AD account.' }),
    window: defaultSpan(SIM_DEFAULTS.onPremLockout.windowMs).meta({
      description: "AD's 'reset account lockout counter after'.",
    }),
    duration: defaultSpan(SIM_DEFAULTS.onPremLockout.durationMs).meta({
      description: 'How long AD keeps the account locked (even the right password then fails, 50053).',
    }),
  })
  .optional()
  .meta({
    description:
      "On-prem AD account lockout, met by the agents' logon calls (every wrong password through PTA is one); absent: AD never locks.",
  });

const requestLoopSchema = z
  .strictObject({
    threshold: z
      .int()
      .min(1)
      .max(1_000_000)
      .meta({ description: 'Sign-ins of one user allowed per window; more get AADSTS50196.' }),
    window: defaultSpan(SIM_DEFAULTS.requestLoop.windowMs),
  })
  .optional()
  .meta({
    description:
      "Entra's client-request-loop throttle (AADSTS50196, counted as throttled); its real limits are unpublished. Absent: off.",
  });

const injectSchema = z
  .strictObject({
    code: injectCodeSchema.meta({ description: 'An AADSTS code of the simulator’s table, e.g. 90055.' }),
    share: share().optional().meta({ description: 'This share of sign-ins ends with the code.' }),
    count: z.int().min(1).optional().meta({ description: 'Or: the next this many sign-ins end with it.' }),
  })
  .refine((b) => (b.share === undefined) !== (b.count === undefined), {
    message: 'give exactly one of share (like 5%) or count (a whole number ≥ 1)',
  })
  .optional()
  .meta({
    description:
      "From the start, answer a share (or a count) of sign-ins with this code, at its point of Entra's order (as ptaload sim --inject).",
  });

export const simTargetSchema = z
  .strictObject({
    kind: z.literal('sim'),
    tenant: guid('the tenant id').default(DEFAULT_TENANT_ID),
    domain: dnsDomain().default(DEFAULT_DOMAIN).meta({ description: 'Verified domain the users live in.' }),
    clientId: guid('the client id').default(DEFAULT_CLIENT_ID),
    tls: z
      .boolean()
      .default(false)
      .meta({ description: 'Serve HTTPS with a self-signed certificate made at start.' }),
    seed: z
      .union([z.int(), z.string()])
      .default(1)
      .meta({ description: 'Makes generated users and service times reproducible.' }),
    ptaTimeout: defaultSpan(SIM_DEFAULTS.ptaTimeoutMs).meta({
      description: 'How long Entra waits for an agent before AADSTS80002 (unconfirmed).',
    }),
    queueTimeout: span().optional().meta({
      description:
        'How long a request waits for an agent to take it (unconfirmed); default half of ptaTimeout, at most ptaTimeout.',
    }),
    detectionDelay: duration({ max: DAY_MS })
      .prefault(formatDuration(SIM_DEFAULTS.detectionDelayMs))
      .meta({ description: 'How long a crashed agent keeps being handed requests (unconfirmed).' }),
    lateAnswerCode: z
      .union([z.literal(80002), z.literal(80014)], {
        error: (iss) => `expected 80002 or 80014, got ${JSON.stringify(iss.input)}`,
      })
      .default(SIM_DEFAULTS.lateAnswerCode)
      .meta({
        description:
          'What an agent answer after ptaTimeout gives the client: 80002 (timed out, at the deadline) or 80014 (answered too late, when it comes). Unconfirmed which Entra sends.',
      }),
    directory: z
      .strictObject({
        concurrency: z
          .int()
          .min(0)
          .max(100_000)
          .default(0)
          .meta({ description: 'Concurrent binds the DCs take; 0 = unlimited.' }),
        bindTime: duration({ max: DAY_MS })
          .prefault(formatDuration(SIM_DEFAULTS.directoryTimeMs))
          .meta({ description: 'Mean time one bind takes at the DC.' }),
      })
      .prefault({})
      .meta({ description: 'Shared on-prem AD capacity that every agent validates against.' }),
    lockout: lockoutSchema,
    onPremLockout: onPremLockoutSchema,
    requestLoop: requestLoopSchema,
    ipBlock: z.boolean().default(false).meta({
      description:
        'Answer every sign-in 50053, whatever the password, as Entra does for an IP it finds malicious.',
    }),
    inject: injectSchema,
    agentHeader: z.boolean().default(true).meta({
      description:
        'Name the agent that served each sign-in in a reply header; false answers as Entra does (no agent), so live figures are keyed tenant.',
    }),
    clientSecretEnv: secretEnvName().optional().meta({
      description:
        'Make the app a confidential client whose secret the harness reads from this environment variable (the NAME, never the secret) and sends.',
    }),
    secretExpired: z
      .boolean()
      .default(false)
      .meta({ description: 'With clientSecretEnv: the secret has expired, so every sign-in gets 7000222.' }),
  })
  .superRefine((t, ctx) => {
    if (t.secretExpired && t.clientSecretEnv === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['secretExpired'],
        message: 'needs clientSecretEnv (the NAME of the environment variable holding the client secret)',
      });
    }
  })
  .transform(
    ({
      ptaTimeout,
      queueTimeout,
      detectionDelay,
      directory,
      lockout,
      onPremLockout,
      requestLoop,
      ...rest
    }) => ({
      ...rest,
      ptaTimeoutMs: ptaTimeout,
      ...(queueTimeout === undefined ? {} : { queueTimeoutMs: queueTimeout }),
      detectionDelayMs: detectionDelay,
      directory: { concurrency: directory.concurrency, bindTimeMs: directory.bindTime },
      lockout: {
        threshold: lockout.threshold,
        durationMs: lockout.duration,
        growth: lockout.growth,
        hashTracking: lockout.hashTracking,
      },
      ...(onPremLockout === undefined
        ? {}
        : {
            onPremLockout: {
              threshold: onPremLockout.threshold,
              windowMs: onPremLockout.window,
              durationMs: onPremLockout.duration,
            },
          }),
      ...(requestLoop === undefined
        ? {}
        : { requestLoop: { threshold: requestLoop.threshold, windowMs: requestLoop.window } }),
    }),
  );
