/** The real-tenant safety settings a profile may only tighten: which value holds, and why a profile that loosens one is refused. */
import { peakTargetRate } from '../../profile/phases.js';
import { formatRate, formatShare } from '../../profile/quantities.js';
import type { EntraTarget, RawProfile } from '../../profile/raw-schema.js';
import { entraTargetSchema } from '../../profile/schema-target.js';
import type { EntraFlags } from './flags.js';
import { cloudLockout } from './lockout-budget.js';

type FlagKey = 'maxRate' | 'lockedShare' | 'throttledShare' | 'perUserPerMinute' | 'wrongPerUserPerHour';

/**
 * One interlock setting, read as a number where more is looser (a breaker switched off: Infinity), so one
 * rule judges them all.
 */
interface SafetySetting {
  /** The field under `target`. */
  readonly path: readonly string[];
  /** The flag that loosens it; none: nothing loosens it. */
  readonly flag?: { readonly key: FlagKey; readonly spelling: string };
  read(t: EntraTarget): number;
  write(t: EntraTarget, value: number): EntraTarget;
  /** The value when the profile says nothing (the cloud's lockout threshold depends on the authority). */
  fallback(t: EntraTarget): number;
  /** As the flag takes it: `20/s`, `30`, `5%`, `off`. */
  word(value: number): string;
  /** What the refusal says first; the default is "looser than the default". */
  head?(value: number, fallback: number, raw: RawProfile): string;
  /** The flag value the refusal suggests; the default is the profile's own. */
  suggest?(value: number, raw: RawProfile): string;
  /** Why loosening it takes the command line, in the user's words. */
  readonly why: string;
  /**
   * A looser value that changes nothing for this load (a cap above a peak under the default) is held at
   * the default rather than refused.
   */
  inert?(raw: RawProfile): boolean;
}

const DEFAULTS = entraTargetSchema.parse({
  kind: 'entra',
  tenant: 'contoso.test',
  clientId: '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa',
});

const offIsInfinite = (v: number | null) => (v === null ? Number.POSITIVE_INFINITY : v);
const infiniteIsOff = (v: number) => (Number.isFinite(v) ? v : null);
const shareWord = (v: number) => (Number.isFinite(v) ? formatShare(v) : 'off');

const SETTINGS: readonly SafetySetting[] = [
  {
    path: ['maxRate'],
    flag: { key: 'maxRate', spelling: '--max-rate' },
    read: (t) => t.maxRate,
    write: (t, v) => ({ ...t, maxRate: v }),
    fallback: () => DEFAULTS.maxRate,
    word: formatRate,
    head: (v, d, raw) =>
      `${formatRate(v)} is above the default cap of ${formatRate(d)} and the load peaks at ${formatRate(peakTargetRate(raw))}.`,
    suggest: (_v, raw) => `${formatRate(peakTargetRate(raw))} (or more)`,
    why: 'A cap above the default is raised only on the command line, so that nobody sends a burst they did not ask for.',
    inert: (raw) => peakTargetRate(raw) <= DEFAULTS.maxRate + 1e-9,
  },
  {
    path: ['pacing', 'perUserPerMinute'],
    flag: { key: 'perUserPerMinute', spelling: '--per-user-per-minute' },
    read: (t) => t.pacing.perUserPerMinute,
    write: (t, v) => ({ ...t, pacing: { ...t.pacing, perUserPerMinute: v } }),
    fallback: () => DEFAULTS.pacing.perUserPerMinute,
    word: String,
    why: "Every try of a user counts towards Entra's anomaly detection and its client-request-loop throttling (AADSTS50196).",
  },
  {
    path: ['pacing', 'wrongPerUserPerHour'],
    flag: { key: 'wrongPerUserPerHour', spelling: '--wrong-per-user-per-hour' },
    read: (t) => t.pacing.wrongPerUserPerHour,
    write: (t, v) => ({ ...t, pacing: { ...t.pacing, wrongPerUserPerHour: v } }),
    fallback: () => DEFAULTS.pacing.wrongPerUserPerHour,
    word: String,
    why: 'With pass-through authentication every wrong password counts towards smart lockout and is a failed logon on your domain controllers.',
  },
  {
    path: ['pacing', 'lockoutThreshold'],
    // Left out, the cloud's threshold is the one in play.
    read: (t) => t.pacing.lockoutThreshold ?? cloudLockout(t.authorityHost).threshold,
    write: (t) => t,
    fallback: (t) => cloudLockout(t.authorityHost).threshold,
    word: String,
    head: (v, d, raw) =>
      `${v} is above smart lockout's default of ${d} in ${cloudLockout(raw.target.kind === 'entra' ? raw.target.authorityHost : '').cloud}; a profile may only make the lockout guard stricter.`,
    why: "The field is for a tenant whose threshold is lower than the cloud's, and ptaload never plans for a higher one, so no flag raises it: give it only when it is lower, or leave it out.",
  },
  {
    path: ['breakers', 'lockedShare'],
    flag: { key: 'lockedShare', spelling: '--locked-share' },
    read: (t) => t.breakers.lockedShare,
    write: (t, v) => ({ ...t, breakers: { ...t.breakers, lockedShare: v } }),
    fallback: () => DEFAULTS.breakers.lockedShare,
    word: shareWord,
    why: 'The lockout breaker is loosened only on the command line, so that nobody locks accounts they did not mean to.',
  },
  {
    path: ['breakers', 'throttledShare'],
    flag: { key: 'throttledShare', spelling: '--throttled-share' },
    read: (t) => offIsInfinite(t.breakers.throttledShare),
    write: (t, v) => ({ ...t, breakers: { ...t.breakers, throttledShare: infiniteIsOff(v) } }),
    fallback: () => offIsInfinite(DEFAULTS.breakers.throttledShare),
    word: shareWord,
    why: "The throttle breaker is loosened only on the command line: a run that stays throttled measures Entra's protection, not the agents, and pushing on escalates it.",
  },
];

/** A profile field that loosens an interlock, with the message that refuses it. */
export interface LoosenedField {
  /** From the profile's root, for the file:line of the message. */
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * The one rule for every real-tenant safety setting: a flag given on the command line is the value in force
 * (the person at the keyboard chose it for this run, within the schema's hard ceiling); otherwise the
 * profile's value holds when it is at or under the default, and one above the default is refused, so a
 * profile handed from hand to hand cannot loosen an interlock by itself. Returns the profile with the values
 * in force, or every field that loosens one.
 */
export function safetyInForce(
  raw: RawProfile,
  flags: EntraFlags,
): { readonly profile: RawProfile } | { readonly loosened: readonly LoosenedField[] } {
  if (raw.target.kind !== 'entra') return { profile: raw };
  let target: EntraTarget = raw.target;
  const loosened: LoosenedField[] = [];
  for (const s of SETTINGS) {
    const given = s.flag ? flags[s.flag.key] : undefined;
    if (given !== undefined) {
      target = s.write(target, offIsInfinite(given));
      continue;
    }
    const value = s.read(target);
    const fallback = s.fallback(target);
    if (value <= fallback) continue;
    if (s.inert?.(raw)) {
      target = s.write(target, fallback);
      continue;
    }
    const head =
      s.head?.(value, fallback, raw) ??
      `${s.word(value)} is looser than the default of ${s.word(fallback)}; a profile can only tighten a real-tenant safety setting.`;
    const fix = s.flag
      ? ` Run again with ${s.flag.spelling} ${s.suggest?.(value, raw) ?? s.word(value)} if you mean it.`
      : '';
    loosened.push({ path: ['target', ...s.path], message: `${head} ${s.why}${fix}` });
  }
  return loosened.length > 0 ? { loosened } : { profile: { ...raw, target } };
}

/** The interlocks the command line loosened past their defaults, for the run's notes: `--throttled-share off (default 10%)`. */
export function loosenedByFlags(target: EntraTarget, flags: EntraFlags): string[] {
  const out: string[] = [];
  for (const s of SETTINGS) {
    const given = s.flag ? flags[s.flag.key] : undefined;
    if (!s.flag || given === undefined) continue;
    const value = offIsInfinite(given);
    const fallback = s.fallback(target);
    if (value > fallback) out.push(`${s.flag.spelling} ${s.word(value)} (default ${s.word(fallback)})`);
  }
  return out;
}
