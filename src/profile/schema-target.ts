import { z } from 'zod';
import { DOMAIN_PATTERN, duration, GUID_PATTERN, rate, share, show } from './quantities.js';

const DEFAULT_TENANT_ID = '8eaef023-2b34-4da1-9baa-8bc8c9d6a490';
const DEFAULT_CLIENT_ID = '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa';
const DEFAULT_DOMAIN = 'contoso.test';

/** Well-known Entra authority hosts by cloud. */
export const AUTHORITY_HOSTS = {
  public: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.us',
  china: 'https://login.partner.microsoftonline.cn',
} as const;

const guid = (what: string) =>
  z.string().regex(GUID_PATTERN, { error: (iss) => `expected ${what} as a GUID, got ${show(iss.input)}` });
const domain = z.string().regex(DOMAIN_PATTERN, {
  error: (iss) => `expected a DNS domain like contoso.test, got ${show(iss.input)}`,
});

/** The schema's hard ceilings on per-user pacing: what not even the command line can pass. */
export const PACING_MAX = { perUserPerMinute: 60, wrongPerUserPerHour: 5 } as const;

export const simTargetSchema = z
  .strictObject({
    kind: z.literal('sim'),
    tenant: guid('the tenant id').default(DEFAULT_TENANT_ID),
    domain: domain.default(DEFAULT_DOMAIN).meta({ description: 'Verified domain the users live in.' }),
    clientId: guid('the client id').default(DEFAULT_CLIENT_ID),
    tls: z
      .boolean()
      .default(false)
      .meta({ description: 'Serve HTTPS with a self-signed certificate made at start.' }),
    seed: z
      .union([z.int(), z.string()])
      .default(1)
      .meta({ description: 'Makes generated users and service times reproducible.' }),
    ptaTimeout: duration({ positive: true })
      .prefault('10s')
      .meta({ description: 'How long Entra waits for an agent before AADSTS80002 (unconfirmed).' }),
    detectionDelay: duration()
      .prefault('10s')
      .meta({ description: 'How long a crashed agent keeps being handed requests (unconfirmed).' }),
    directory: z
      .strictObject({
        concurrency: z
          .int()
          .min(0)
          .default(0)
          .meta({ description: 'Concurrent binds the DCs take; 0 = unlimited.' }),
        bindTime: duration().prefault('2ms').meta({ description: 'Mean time one bind takes at the DC.' }),
      })
      .prefault({})
      .meta({ description: 'Shared on-prem AD capacity that every agent validates against.' }),
    lockout: z
      .strictObject({
        threshold: z.int().min(1).default(10),
        duration: duration({ positive: true }).prefault('60s'),
      })
      .prefault({})
      .meta({ description: 'Smart lockout: failures before an account locks, and for how long.' }),
  })
  .transform(({ ptaTimeout, detectionDelay, directory, lockout, ...rest }) => ({
    ...rest,
    ptaTimeoutMs: ptaTimeout,
    detectionDelayMs: detectionDelay,
    directory: { concurrency: directory.concurrency, bindTimeMs: directory.bindTime },
    lockout: { threshold: lockout.threshold, durationMs: lockout.duration },
  }));

const authorityHostHint = (input: unknown) =>
  `expected public, usgov, china or an https:// URL, got ${show(input)}`;
const authorityHost = z
  .union(
    [
      z.enum(['public', 'usgov', 'china']),
      z.string().regex(/^https:\/\/\S+$/, { error: (iss) => authorityHostHint(iss.input) }),
    ],
    {
      error: (iss) => authorityHostHint(iss.input),
    },
  )
  .default('public')
  .transform((v, ctx) => {
    if (v in AUTHORITY_HOSTS) return AUTHORITY_HOSTS[v as keyof typeof AUTHORITY_HOSTS];
    if (!isHttpsUrl(v)) {
      ctx.addIssue({ code: 'custom', message: authorityHostHint(v), input: v });
      return z.NEVER;
    }
    return v.replace(/\/+$/, '');
  });

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

export const entraTargetSchema = z.strictObject({
  kind: z.literal('entra'),
  tenant: z.string().refine((v) => GUID_PATTERN.test(v) || DOMAIN_PATTERN.test(v), {
    error: (iss) => `expected the tenant as a GUID or a verified domain, got ${show(iss.input)}`,
  }),
  clientId: guid('the client id (application id of a public client app registration)'),
  authorityHost: authorityHost.meta({ description: 'public | usgov | china | an https:// URL' }),
  scope: z.string().min(1).default('openid profile'),
  clientSecretEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error: (iss) =>
        `expected the NAME of an environment variable holding the client secret (never the secret itself), got ${show(typeof iss.input === 'string' ? '(hidden)' : iss.input)}`,
    })
    .optional(),
  confirmTenant: z
    .string()
    .optional()
    .meta({ description: 'Must repeat the tenant: the interlock for non-loopback authorities.' }),
  ca: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Extra CA file (PEM), relative to the profile's folder." }),
  maxRate: rate({ positive: true }).prefault('20/s').meta({
    description: 'Safety cap on the sign-in rate. A profile may lower it; only --max-rate raises it.',
  }),
  pacing: z
    .strictObject({
      perUserPerMinute: z.int().min(1).max(PACING_MAX.perUserPerMinute).default(4).meta({
        description:
          'Sign-ins per user per minute. A profile may lower it; only --per-user-per-minute raises it.',
      }),
      wrongPerUserPerHour: z.int().min(0).max(PACING_MAX.wrongPerUserPerHour).default(2).meta({
        description:
          'Deliberate wrong passwords per user per hour. A profile may lower it; only --wrong-per-user-per-hour raises it.',
      }),
      lockoutThreshold: z.int().min(1).max(50).optional().meta({
        description:
          "The tenant's smart lockout threshold, if lower than the cloud's default (10; 3 in US Government); a higher one is refused.",
      }),
      onPremLockoutThreshold: z.int().min(0).max(999).optional().meta({
        description:
          'The on-prem AD account lockout threshold (0: AD never locks). With PTA every wrong password is a failed AD logon.',
      }),
    })
    .prefault({})
    .meta({ description: 'Per-user limits that keep accounts far from smart lockout.' }),
  breakers: z
    .strictObject({
      lockedShare: share().prefault('1%').meta({
        description:
          'Stop when locked-account replies (50053) pass this share. A profile may lower it; only --locked-share raises it.',
      }),
      throttledShare: share().nullable().prefault('10%').meta({
        description:
          'Stop when throttled replies (50196, 90055, 90024, 429) pass this share. A profile may lower it; only --throttled-share raises it or turns it off.',
      }),
      ptaFailureShare: share().nullable().default(null),
    })
    .prefault({})
    .meta({
      description: 'Stop the run when lockouts, throttling or (optionally) PTA failures pass these shares.',
    }),
});

export const targetSchema = z
  .discriminatedUnion('kind', [simTargetSchema, entraTargetSchema])
  .prefault({ kind: 'sim' })
  .meta({
    description: 'Where sign-ins go: the embedded simulated tenant (sim) or a real test tenant (entra).',
  });
