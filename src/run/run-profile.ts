/** The profile a run or preflight works with: read once, command-line overrides applied to the typed value, then cross-checked. */
import { ProfileError, UsageError } from '../errors.js';
import { formatIssues, profileErrorMap } from '../profile/issues.js';
import {
  checkFields,
  finishProfile,
  type LoadedProfile,
  loadedFrom,
  type ProfileDocument,
  profileDocument,
  readProfileDocument,
} from '../profile/load.js';
import { applyLoadOverrides, givenLoadOverrides, type LoadOverrides } from '../profile/overrides.js';
import type { EntraTarget, RawProfile } from '../profile/raw-schema.js';
import { entraTargetSchema } from '../profile/schema-target.js';
import { parseAuthority } from '../targets/entra/authority.js';
import { type EntraFlags, givenFlags } from '../targets/entra/flags.js';
import { safetyInForce } from '../targets/entra/tighten-only.js';

/** What the command line says instead of the profile; each part was checked once by cli/. */
export interface ProfileOverrides {
  /** Real-tenant flags (targets/entra/flags). */
  readonly entra?: EntraFlags;
  readonly load?: LoadOverrides;
}

/**
 * The profile file read and checked field by field once, the flags written over the typed value, then the
 * cross-checks run on the result, so every one of them (the rate cap, users.file, hooks) judges what will
 * actually run. For an entra target the safety settings in force are settled here too (targets/entra/tighten-only):
 * a profile that loosens one on its own is refused before anything is opened or sent.
 */
export async function loadRunProfile(path: string, o: ProfileOverrides = {}): Promise<LoadedProfile> {
  const doc = await readProfileDocument(path);
  return resolveWithOverrides(doc, checkFields(doc), o);
}

/**
 * A profile made of the flags alone (for `ptaload preflight` without a profile): one gentle second of load,
 * so the checks that need a rate have one.
 */
export function flagsOnlyProfile(flags: EntraFlags, load: LoadOverrides = {}): LoadedProfile {
  const missing = (['tenant', 'clientId', 'users'] as const).filter((k) => flags[k] === undefined);
  if (missing.length > 0) {
    const names = { tenant: '--tenant', clientId: '--client-id', users: '--users' };
    throw new UsageError(
      `without a profile, give the tenant on the command line: ${missing.map((k) => names[k]).join(', ')} missing (and --authority-host unless it is the public cloud).`,
    );
  }
  const text = JSON.stringify({
    name: 'preflight',
    target: { kind: 'entra', tenant: flags.tenant, clientId: flags.clientId },
    users: { file: flags.users },
    load: { phases: [{ duration: '1s', shape: 'constant', rate: '1/s' }] },
  });
  const doc = profileDocument(text, 'the flags', '', process.cwd());
  return resolveWithOverrides(doc, checkFields(doc), { entra: flags, load });
}

function resolveWithOverrides(doc: ProfileDocument, raw: RawProfile, o: ProfileOverrides): LoadedProfile {
  const flags = o.entra ?? {};
  const realTenantFlags = givenFlags(flags).filter((f) => f !== '--confirm-tenant');
  const withTarget = realTenantFlags.length > 0 ? withEntraFlags(raw, flags, doc) : raw;
  if (withTarget.target.kind !== 'entra' && flags.confirmTenant !== undefined) {
    throw new UsageError(
      '--confirm-tenant applies to a real tenant (target.kind: entra); this profile uses the simulated tenant.',
    );
  }
  const load = o.load ?? {};
  const applied = [...(realTenantFlags.length > 0 ? givenFlags(flags) : []), ...givenLoadOverrides(load)];
  const final = applyLoadOverrides(withTarget, load);
  // Before the cross-checks, so the rate cap they judge is the one in force.
  const safe = safetyInForce(final, flags);
  if ('loosened' in safe) {
    const note = applied.length > 0 ? `\n(with ${applied.join(', ')} applied)` : '';
    throw new UsageError(
      `${formatIssues(
        safe.loosened.map((l) => ({ path: [...l.path], message: l.message })),
        doc.name,
        doc.source,
      )}${note}`,
    );
  }
  return loadedFrom(finishProfile(safe.profile, doc, applied), doc);
}

/** The real-tenant flags written over `target` (and `users.file`); `--target entra` makes a sim profile a real-tenant one. */
function withEntraFlags(raw: RawProfile, flags: EntraFlags, doc: ProfileDocument): RawProfile {
  const target = raw.target.kind === 'entra' ? raw.target : entraFromFlags(flags, doc);
  const patched: EntraTarget = {
    ...target,
    ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
    ...(flags.clientId === undefined ? {} : { clientId: flags.clientId }),
    // From the flag, http:// to a loopback address is allowed (a local ptaload sim); a profile takes https only.
    ...(flags.authorityHost === undefined
      ? {}
      : { authorityHost: parseAuthority(flags.authorityHost, '--authority-host').url }),
    ...(flags.scope === undefined ? {} : { scope: flags.scope }),
    ...(flags.ca === undefined ? {} : { ca: flags.ca }),
  };
  if (flags.users === undefined) return { ...raw, target: patched };
  const { generate: _generate, states: _states, ...users } = raw.users;
  return { ...raw, target: patched, users: { ...users, file: flags.users } };
}

/**
 * A sim profile turned into a real-tenant one by `--target entra`: the sim's own settings (seed, tls,
 * lockout…) mean nothing to a real tenant, so the target is built from the flags, with the schema's defaults.
 */
function entraFromFlags(flags: EntraFlags, doc: ProfileDocument): EntraTarget {
  const given = givenFlags(flags);
  if (flags.target !== 'entra') {
    const named = given.filter((f) => f !== '--confirm-tenant');
    throw new UsageError(
      `${named.join(', ')} appl${named.length > 1 ? 'y' : 'ies'} to a real tenant, but this profile uses the simulated tenant: add --target entra (with --tenant, --client-id and --users), or use a profile with target.kind: entra.`,
    );
  }
  const result = entraTargetSchema.safeParse(
    { kind: 'entra', tenant: flags.tenant, clientId: flags.clientId },
    { error: profileErrorMap },
  );
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ ...i, path: ['target', ...i.path] }));
    throw new ProfileError(
      `${formatIssues(issues, doc.name, doc.source)}\n(with ${given.join(', ')} applied)`,
    );
  }
  return result.data;
}
