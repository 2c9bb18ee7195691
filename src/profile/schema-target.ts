/** Where sign-ins go: the target union, and the real test tenant's fields (the simulated tenant's are in schema-sim-target.ts). */
import { z } from 'zod';
import { DOMAIN_PATTERN, GUID_PATTERN, guid, rate, secretEnvName, share, show } from './quantities.js';
import { simTargetSchema } from './schema-sim-target.js';

/** Well-known Entra authority hosts by cloud. */
export const AUTHORITY_HOSTS = {
  public: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.us',
  china: 'https://login.partner.microsoftonline.cn',
} as const;

/** The schema's hard ceilings on per-user pacing: what not even the command line can pass. */
export const PACING_MAX = { perUserPerMinute: 60, wrongPerUserPerHour: 5 } as const;

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
  clientSecretEnv: secretEnvName().optional(),
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
