import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ProfileError, TargetError, UsageError } from '../errors.js';
import { formatIssues, profileErrorMap } from '../profile/issues.js';
import { type LoadedProfile, loadProfile, resolvePaths } from '../profile/load.js';
import { peakTargetRate } from '../profile/phases.js';
import { type Profile, profileSchema } from '../profile/schema.js';
import { readProfileSource } from '../profile/source.js';
import { parseAuthority } from '../targets/entra/authority.js';
import { type EntraFlags, entraFlags, givenFlags } from '../targets/entra/flags.js';
import { capInForce } from '../targets/entra/interlocks.js';

/**
 * The profile a run or preflight works with: the file, with the real-tenant flags written over its
 * `target` (and `users.file`) *before* validation, so every cross-check (the rate cap, users.file, hooks)
 * judges what will actually run. For an entra target the rate cap in force is settled here too.
 */
export async function loadRunProfile(path: string, flags: EntraFlags = {}): Promise<LoadedProfile> {
  const onlyConfirm = givenFlags(flags).every((f) => f === '--confirm-tenant');
  const loaded = onlyConfirm ? await loadProfile(path) : await loadPatched(path, flags);
  if (loaded.profile.target.kind !== 'entra') {
    if (flags.confirmTenant !== undefined) {
      throw new UsageError(
        '--confirm-tenant applies to a real tenant (target.kind: entra); this profile uses the simulated tenant.',
      );
    }
    return loaded;
  }
  return { ...loaded, profile: withCapInForce(loaded.profile, flags) };
}

/**
 * A profile made of the flags alone (for `ptaload preflight` without a profile): one gentle second of load,
 * so the checks that need a rate have one.
 */
export function flagsOnlyProfile(flags: EntraFlags): LoadedProfile {
  const missing = (['tenant', 'clientId', 'users'] as const).filter((k) => flags[k] === undefined);
  if (missing.length > 0) {
    const names = { tenant: '--tenant', clientId: '--client-id', users: '--users' };
    throw new UsageError(
      `without a profile, give the tenant on the command line: ${missing.map((k) => names[k]).join(', ')} missing (and --authority-host unless it is the public cloud).`,
    );
  }
  const text = JSON.stringify({
    name: 'preflight',
    target: { kind: 'entra' },
    load: { phases: [{ duration: '1s', shape: 'constant', rate: '1/s' }] },
  });
  const cwd = process.cwd();
  const loaded = parsePatched(text, 'the flags', flags, cwd);
  return { ...loaded, profile: withCapInForce(loaded.profile, flags) };
}

async function loadPatched(path: string, flags: EntraFlags): Promise<LoadedProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    // loadProfile words every way a file can be unreadable.
    return loadProfile(path);
  }
  const abs = resolve(path);
  return parsePatched(text, path, flags, dirname(abs), abs);
}

function parsePatched(text: string, path: string, flags: EntraFlags, dir: string, abs = ''): LoadedProfile {
  const source = readProfileSource(text, path);
  const raw = structuredClone(source.value) as Record<string, unknown>;
  patch(raw, flags);
  // http:// to a loopback address is allowed from the flag (a local ptaload sim); the schema takes https only.
  const plainHttp = flags.authorityHost?.startsWith('http://') ? flags.authorityHost : undefined;
  if (plainHttp) (raw.target as Record<string, unknown>).authorityHost = 'public';
  const result = profileSchema.safeParse(raw, { error: profileErrorMap });
  if (!result.success) {
    throw new ProfileError(
      `${formatIssues(result.error.issues, path, source)}\n(with ${givenFlags(flags).join(', ')} applied)`,
    );
  }
  let profile: Profile = result.data;
  if (plainHttp && profile.target.kind === 'entra') {
    profile = {
      ...profile,
      target: { ...profile.target, authorityHost: parseAuthority(plainHttp, '--authority-host').url },
    };
  }
  return { profile: resolvePaths(profile, dir), path: abs, dir };
}

function patch(raw: Record<string, unknown>, flags: EntraFlags): void {
  const given = givenFlags(flags).filter((f) => f !== '--confirm-tenant');
  const current = isObject(raw.target) ? raw.target : { kind: 'sim' };
  if (current.kind !== 'entra') {
    if (flags.target !== 'entra') {
      throw new UsageError(
        `${given.join(', ')} appl${given.length > 1 ? 'y' : 'ies'} to a real tenant, but this profile uses the simulated tenant: add --target entra (with --tenant, --client-id and --users), or use a profile with target.kind: entra.`,
      );
    }
    // The sim's own settings (seed, tls, lockout…) mean nothing to a real tenant.
    raw.target = { kind: 'entra' };
  }
  const target = raw.target as Record<string, unknown>;
  const set = (key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  set('tenant', flags.tenant);
  set('clientId', flags.clientId);
  set('authorityHost', flags.authorityHost);
  set('scope', flags.scope);
  set('ca', flags.ca);
  set('maxRate', flags.maxRateText);
  if (flags.users !== undefined) {
    const users = isObject(raw.users) ? { ...raw.users } : {};
    delete users.generate;
    delete users.states;
    raw.users = { ...users, file: flags.users };
  }
}

function withCapInForce(profile: Profile, flags: EntraFlags): Profile {
  const t = profile.target;
  if (t.kind !== 'entra') return profile;
  const decided = capInForce(t.maxRate, flags.maxRate, peakTargetRate(profile));
  if ('refusal' in decided) throw new TargetError('TARGET_REFUSED', decided.refusal);
  return decided.cap === t.maxRate ? profile : { ...profile, target: { ...t, maxRate: decided.cap } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
