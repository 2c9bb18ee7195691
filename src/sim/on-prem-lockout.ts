/** The on-premises AD account lockout that every PTA logon call meets (bad-password count per user). */
import type { Clock, OnPremLockoutPolicy } from './options.js';

interface Entry {
  badPwdCount: number;
  /** When the observation window of the current count started. */
  firstBadAt: number;
  lockedUntil: number;
}

/**
 * AD's lockout policy: each wrong password an agent validates is a failed logon on a domain controller;
 * `threshold` of them within `windowMs` lock the AD account for `durationMs`, and a locked account
 * refuses even the right password. A successful logon resets the count, as AD does. Only users with
 * bad passwords have an entry.
 */
export class OnPremLockout {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: OnPremLockoutPolicy,
    private readonly clock: Clock,
  ) {}

  isLocked(user: string): boolean {
    const e = this.entries.get(user);
    return e !== undefined && e.lockedUntil > this.clock.now();
  }

  /** A failed logon; returns true when it locked the account. */
  recordFailure(user: string): boolean {
    const now = this.clock.now();
    let e = this.entries.get(user);
    if (e === undefined || now - e.firstBadAt >= this.policy.windowMs) {
      e = { badPwdCount: 0, firstBadAt: now, lockedUntil: e?.lockedUntil ?? 0 };
      this.entries.set(user, e);
    }
    e.badPwdCount++;
    if (e.badPwdCount < this.policy.threshold) return false;
    e.lockedUntil = now + this.policy.durationMs;
    e.badPwdCount = 0;
    e.firstBadAt = now;
    return true;
  }

  recordSuccess(user: string): void {
    this.entries.delete(user);
  }

  get locked(): number {
    const now = this.clock.now();
    let n = 0;
    for (const e of this.entries.values()) if (e.lockedUntil > now) n++;
    return n;
  }
}
