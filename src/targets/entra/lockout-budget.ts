/** How many wrong passwords one test user may get in a run: well below the lowest lockout threshold in play. */
import { formatRate } from '../../profile/quantities.js';
import { RateCurve } from '../../profile/rate-curve.js';
import type { EntraTarget, Profile } from '../../profile/schema.js';

/** Smart lockout's default threshold: 10 failed attempts, 3 in US Government clouds (pta-facts.md). */
export function cloudLockout(authorityHost: string): { readonly threshold: number; readonly cloud: string } {
  const host = hostOf(authorityHost);
  if (host === 'login.microsoftonline.us') return { threshold: 3, cloud: 'the US Government cloud' };
  if (host === 'login.partner.microsoftonline.cn') return { threshold: 10, cloud: 'the China cloud' };
  if (host === 'login.microsoftonline.com') return { threshold: 10, cloud: 'the public cloud' };
  return { threshold: 10, cloud: `${host} (judged as the public cloud)` };
}

export interface LockoutBudget {
  /** The lowest threshold in play: Entra's (the cloud's, or the tenant's if the profile says lower) and AD's. */
  readonly lowest: number;
  /** Where it comes from, in words. */
  readonly why: string;
  /** Most wrong passwords one user gets in a run: half the lowest threshold, rounded down. */
  readonly perUserPerRun: number;
}

/**
 * With PTA every wrong password counts towards smart lockout (the hash tracking that skips repeats is not
 * available) and each is a failed logon on a domain controller, counting towards the AD policy too. Nobody
 * knows when Entra forgets a failure, so a user's wrong passwords over the whole run must stay well below
 * the lowest threshold: half of it.
 */
export function lockoutBudget(target: EntraTarget): LockoutBudget {
  const cloud = cloudLockout(target.authorityHost);
  const { lockoutThreshold, onPremLockoutThreshold } = target.pacing;
  let lowest = cloud.threshold;
  let why = `smart lockout's ${cloud.threshold} in ${cloud.cloud}`;
  if (lockoutThreshold !== undefined && lockoutThreshold < lowest) {
    lowest = lockoutThreshold;
    why = `the tenant's smart lockout threshold ${lockoutThreshold} (target.pacing.lockoutThreshold)`;
  }
  if (onPremLockoutThreshold !== undefined && onPremLockoutThreshold > 0 && onPremLockoutThreshold < lowest) {
    lowest = onPremLockoutThreshold;
    why = `the on-prem AD lockout threshold ${onPremLockoutThreshold} (target.pacing.onPremLockoutThreshold)`;
  }
  return { lowest, why, perUserPerRun: Math.floor(lowest / 2) };
}

/** Why this profile's wrong passwords could lock test accounts, with the arithmetic; empty when they cannot. */
export function lockoutRefusals(input: {
  readonly target: EntraTarget;
  readonly profile: Pick<Profile, 'load' | 'users'>;
  readonly userCount: number;
  readonly usersName: string;
}): string[] {
  const { target, profile, userCount, usersName } = input;
  const out: string[] = [];
  // A lockoutThreshold above the cloud's was refused when the profile was read (tighten-only); the budget ignores one anyway.
  const { wrongPerUserPerHour } = target.pacing;
  const share = profile.users.wrongPasswordShare;
  if (share === 0) return out;
  const budget = lockoutBudget(target);
  if (wrongPerUserPerHour > budget.perUserPerRun) {
    out.push(
      `target.pacing.wrongPerUserPerHour ${wrongPerUserPerHour} would let one user get ${wrongPerUserPerHour} wrong passwords in an hour, ${wrongPerUserPerHour >= budget.lowest ? 'which reaches' : 'too close to'} ${budget.why}. With pass-through authentication every wrong password counts (repeats too) and is also a failed logon on your domain controllers, so ptaload keeps each user at ${budget.perUserPerRun} or fewer in a run (half the lowest threshold): set it to ${budget.perUserPerRun} or less.`,
    );
  }
  const curve = new RateCurve(profile.load.phases);
  const signIns = curve.totalExpected;
  const wrong = share * signIns;
  const perUser = wrong / Math.max(1, userCount);
  if (perUser > budget.perUserPerRun + 1e-9) {
    const needed = budget.perUserPerRun > 0 ? Math.ceil(wrong / budget.perUserPerRun - 1e-9) : undefined;
    const maxShare = budget.perUserPerRun > 0 ? (budget.perUserPerRun * userCount) / signIns : 0;
    const reaches = perUser >= budget.lowest ? 'which reaches' : 'too close to';
    out.push(
      `users.wrongPasswordShare ${pct(share)} of about ${Math.round(signIns)} sign-ins (${describePeak(profile)}) is about ${Math.ceil(wrong)} wrong passwords; over the ${userCount} user(s) of ${usersName} that is ${round1(perUser)} per user in the run, ${reaches} ${budget.why}. With pass-through authentication every wrong password counts towards smart lockout, repeats included, and each is a failed logon on your domain controllers; ptaload keeps every user at ${budget.perUserPerRun} or fewer in a run (half the lowest threshold). ${needed !== undefined ? `Add users (at least ${needed}), lower the share to ${pct(Math.floor(maxShare * 10000) / 10000)} or less, or shorten the run.` : 'No wrong passwords can be sent safely here: set users.wrongPasswordShare to 0.'}`,
    );
  }
  return out;
}

function describePeak(profile: Pick<Profile, 'load'>): string {
  const curve = new RateCurve(profile.load.phases);
  const seconds = curve.totalDurationMs / 1000;
  return `${seconds >= 120 ? `${round1(seconds / 60)} min` : `${round1(seconds)} s`}, averaging ${formatRate(curve.totalExpected / Math.max(seconds, 1e-9))}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}

function round1(x: number): string {
  return String(Math.round(x * 10) / 10);
}

function pct(share: number): string {
  return `${Math.round(share * 10000) / 100}%`;
}
