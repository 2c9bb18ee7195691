import { resolve } from 'node:path';
import { type PtaloadError, UsageError } from '../../errors.js';
import {
  DOMAIN_PATTERN,
  GUID_PATTERN,
  parseRateWord,
  parseShare,
  RATE_HINT,
} from '../../profile/quantities.js';
import { PACING_MAX } from '../../profile/schema-target.js';
import { parseAuthority } from './authority.js';

/**
 * The real-tenant flags of `ptaload run` and `ptaload preflight`, checked once. Each overrides the profile's
 * `target` field of the same meaning; `target: 'entra'` turns a sim profile into a real-tenant one.
 */
export interface EntraFlags {
  readonly target?: 'entra';
  readonly tenant?: string;
  readonly clientId?: string;
  /** As typed (a cloud name or a URL); checked with parseAuthority. */
  readonly authorityHost?: string;
  readonly scope?: string;
  /** Absolute path (flags are relative to the working folder, not the profile's). */
  readonly ca?: string;
  readonly confirmTenant?: string;
  /** Per second. */
  readonly maxRate?: number;
  /** Absolute path of the users CSV. */
  readonly users?: string;
  /** `--locked-share`: the only way to loosen the lockout breaker past its default (a fraction). */
  readonly lockedShare?: number;
  /** `--throttled-share`: the only way to loosen the throttle breaker (a fraction; null: off). */
  readonly throttledShare?: number | null;
  /** `--per-user-per-minute`: the only way to give each user more tries a minute than the default. */
  readonly perUserPerMinute?: number;
  /** `--wrong-per-user-per-hour`: the only way to give each user more wrong passwords an hour than the default. */
  readonly wrongPerUserPerHour?: number;
}

/** Flag names as commander gives them (camelCase) with the spelling users type. */
const ENTRA_FLAG_SPELLING: Readonly<Record<keyof EntraFlags, string>> = {
  target: '--target',
  tenant: '--tenant',
  clientId: '--client-id',
  authorityHost: '--authority-host',
  scope: '--scope',
  ca: '--ca',
  confirmTenant: '--confirm-tenant',
  maxRate: '--max-rate',
  users: '--users',
  lockedShare: '--locked-share',
  throttledShare: '--throttled-share',
  perUserPerMinute: '--per-user-per-minute',
  wrongPerUserPerHour: '--wrong-per-user-per-hour',
};

type Bag = Readonly<Record<string, string | boolean | undefined>> | undefined;

export function entraFlags(bag: Bag, cwd: string = process.cwd()): EntraFlags {
  const text = (key: keyof typeof ENTRA_FLAG_SPELLING): string | undefined => {
    const v = bag?.[key];
    if (v === undefined || v === false) return undefined;
    if (typeof v !== 'string' || v.trim() === '') {
      throw new UsageError(`${ENTRA_FLAG_SPELLING[key]} needs a value.`);
    }
    return v.trim();
  };
  const target = text('target');
  if (target !== undefined && target !== 'entra') {
    throw new UsageError(
      `--target takes 'entra' (a real test tenant), got '${target}'. Profiles without a target use the simulated tenant.`,
    );
  }
  const tenant = text('tenant');
  if (tenant !== undefined && !GUID_PATTERN.test(tenant) && !DOMAIN_PATTERN.test(tenant)) {
    throw new UsageError(
      `--tenant takes the tenant id (a GUID) or a verified domain like contoso.onmicrosoft.com, got '${tenant}'.`,
    );
  }
  const clientId = text('clientId');
  if (clientId !== undefined && !GUID_PATTERN.test(clientId)) {
    throw new UsageError(
      `--client-id takes the application (client) id of the app registration, a GUID, got '${clientId}'.`,
    );
  }
  const authorityHost = text('authorityHost');
  if (authorityHost !== undefined) {
    try {
      parseAuthority(authorityHost, '--authority-host');
    } catch (err) {
      throw new UsageError(`${(err as PtaloadError).message}.`);
    }
  }
  const maxRateText = text('maxRate');
  const maxRate = maxRateText === undefined ? undefined : parseRateWord(maxRateText);
  if (maxRateText !== undefined && !(maxRate !== undefined && maxRate > 0)) {
    throw new UsageError(`--max-rate takes ${RATE_HINT} (more than 0), got '${maxRateText}'.`);
  }
  const lockedShareText = text('lockedShare');
  const lockedShare = lockedShareText === undefined ? undefined : parseShare(lockedShareText);
  if (lockedShareText !== undefined && lockedShare === undefined) {
    throw new UsageError(`--locked-share takes a percentage like 5%, got '${lockedShareText}'.`);
  }
  const throttledText = text('throttledShare');
  const throttledShare =
    throttledText === undefined ? undefined : throttledText === 'off' ? null : parseShare(throttledText);
  if (throttledText !== undefined && throttledShare === undefined) {
    throw new UsageError(
      `--throttled-share takes a percentage like 20%, or off (never stop on throttling), got '${throttledText}'.`,
    );
  }
  const perUserPerMinute = wholeNumber(text('perUserPerMinute'), 'perUserPerMinute', 1);
  const wrongPerUserPerHour = wholeNumber(text('wrongPerUserPerHour'), 'wrongPerUserPerHour', 0);
  const scope = text('scope');
  const ca = text('ca');
  const users = text('users');
  const confirmTenant = text('confirmTenant');
  return {
    ...(target ? { target } : {}),
    ...(tenant ? { tenant } : {}),
    ...(clientId ? { clientId } : {}),
    ...(authorityHost ? { authorityHost } : {}),
    ...(scope ? { scope } : {}),
    ...(ca ? { ca: resolve(cwd, ca) } : {}),
    ...(confirmTenant ? { confirmTenant } : {}),
    ...(maxRate !== undefined ? { maxRate } : {}),
    ...(users ? { users: resolve(cwd, users) } : {}),
    ...(lockedShare !== undefined ? { lockedShare } : {}),
    ...(throttledShare !== undefined ? { throttledShare } : {}),
    ...(perUserPerMinute !== undefined ? { perUserPerMinute } : {}),
    ...(wrongPerUserPerHour !== undefined ? { wrongPerUserPerHour } : {}),
  };
}

/** A pacing flag: a whole number up to the schema's hard ceiling, which not even the command line passes. */
function wholeNumber(
  value: string | undefined,
  key: keyof typeof PACING_MAX,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  const max = PACING_MAX[key];
  if (!(n >= min && n <= max)) {
    throw new UsageError(
      `${ENTRA_FLAG_SPELLING[key]} takes a whole number from ${min} to ${max}, got '${value}'.`,
    );
  }
  return n;
}

/** The flags given, as the user typed them: `--tenant, --max-rate`. */
export function givenFlags(flags: EntraFlags): string[] {
  return (Object.keys(ENTRA_FLAG_SPELLING) as (keyof typeof ENTRA_FLAG_SPELLING)[])
    .filter((k) => flags[k] !== undefined)
    .map((k) => ENTRA_FLAG_SPELLING[k]);
}
