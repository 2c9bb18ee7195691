import { peakTargetRate } from '../../profile/phases.js';
import { formatRate } from '../../profile/quantities.js';
import { RateCurve } from '../../profile/rate-curve.js';
import type { EntraTarget, Profile } from '../../profile/schema.js';
import { type FirstHop, proxiedNote } from './first-hop.js';
import { lockoutRefusals } from './lockout-budget.js';

const HOUR_MS = 3_600_000;

export interface InterlockInput {
  readonly target: EntraTarget;
  /** Where the bytes go first (authority, or the proxy in front of it). */
  readonly hop: FirstHop;
  /** `--confirm-tenant`: the profile's own confirmTenant is not enough on its own. */
  readonly confirmFlag: string | undefined;
  readonly profile: Pick<Profile, 'load' | 'users'>;
  readonly userCount: number;
  /** A name for the users file in messages. */
  readonly usersName: string;
}

/**
 * Unless the first hop is a loopback authority reached directly, the tenant must be typed again on the
 * command line: judged on where the bytes go, so a proxy in front of a loopback authority needs it too.
 */
export function confirmRefusal(
  tenant: string,
  hop: FirstHop,
  confirmFlag: string | undefined,
): string | undefined {
  if (hop.local) return undefined;
  if (confirmFlag === undefined) {
    return `refusing to send sign-ins to tenant '${tenant}' at ${hop.authority.url}${proxiedNote(hop)} without confirmation. Sign-in bursts with passwords look like a password-spray attack and can lock accounts, so a real tenant must be named twice: add --confirm-tenant ${tenant} to the command (target.confirmTenant in a profile is not enough on its own). Only ever point ptaload at a test tenant you own.`;
  }
  if (confirmFlag.toLowerCase() !== tenant.toLowerCase()) {
    return `--confirm-tenant '${confirmFlag}' does not match the target tenant '${tenant}'; nothing was sent. Check that the profile points at the tenant you mean, then repeat its tenant exactly.`;
  }
  return undefined;
}

/** The rate cap, and enough users for the rate under per-user pacing. */
export function loadRefusals(input: Omit<InterlockInput, 'hop' | 'confirmFlag'>): string[] {
  const out: string[] = [];
  const { target, profile, userCount, usersName } = input;
  const peak = peakTargetRate(profile);
  if (peak > target.maxRate + 1e-9) {
    out.push(
      `the load peaks at ${formatRate(peak)} but the safety cap is ${formatRate(target.maxRate)}: lower the phases' rates, or raise the cap deliberately with --max-rate ${formatRate(peak)}.`,
    );
  }
  const { perUserPerMinute, wrongPerUserPerHour } = target.pacing;
  const needed = Math.ceil((peak * 60) / perUserPerMinute - 1e-9);
  if (userCount < needed) {
    out.push(
      `${usersName} has ${userCount} user(s); at ${perUserPerMinute} sign-in(s) per user per minute they carry at most ${formatRate((userCount * perUserPerMinute) / 60)}, but the load peaks at ${formatRate(peak)}, which needs at least ${needed} users (${formatRate(peak)} × 60 / ${perUserPerMinute}). Add test users, lower the rate, or raise target.pacing.perUserPerMinute (slowly: each try of a user counts towards anomaly detection).`,
    );
  }
  out.push(...lockoutRefusals(input));
  const share = profile.users.wrongPasswordShare;
  if (share > 0) {
    const curve = new RateCurve(profile.load.phases);
    // The hourly cap bites on the busiest hour; a run shorter than an hour sends all its arrivals in one.
    const busiestHour = curve.totalDurationMs <= HOUR_MS ? curve.totalExpected : peak * 3600;
    const wrong = share * busiestHour;
    if (wrongPerUserPerHour === 0) {
      out.push(
        `users.wrongPasswordShare is ${pct(share)} but target.pacing.wrongPerUserPerHour is 0, so no wrong password could be sent: set the share to 0, or allow 1 or 2 wrong passwords per user per hour.`,
      );
    } else {
      const wrongNeeded = Math.ceil(wrong / wrongPerUserPerHour - 1e-9);
      if (userCount < wrongNeeded) {
        out.push(
          `users.wrongPasswordShare ${pct(share)} means about ${Math.ceil(wrong)} wrong passwords in the busiest hour; at ${wrongPerUserPerHour} per user per hour that needs at least ${wrongNeeded} users, and ${usersName} has ${userCount}. Add test users or lower the share.`,
        );
      }
    }
  }
  return out;
}

function pct(share: number): string {
  return `${Math.round(share * 10000) / 100}%`;
}
