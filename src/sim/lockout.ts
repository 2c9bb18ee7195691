/** Entra smart lockout: wrong passwords per user, the lockout they cause, and how long it lasts. */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock, LockoutPolicy } from './options.js';

/** How many recent wrong passwords per user are remembered (as salted hashes) when hash tracking is on. */
const REMEMBERED_WRONG_PASSWORDS = 3;

interface Entry {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  recent: string[] | null;
}

/**
 * Entra smart lockout as documented: `threshold` wrong passwords lock the account for `durationMs`;
 * once locked out, every further wrong password locks it again, each time `growth` times longer. With
 * pass-through authentication every wrong password counts (hash tracking is not available with PTA);
 * `hashTracking` turns on the password-hash-sync behaviour, where a repeat of one of the last three
 * wrong passwords is not counted again. A correct password resets the user's history (our choice: the
 * documentation does not say when the count or the growth resets). Only users with failures have an
 * entry, and with hash tracking wrong passwords are kept as salted hashes, never as text.
 */
export class SmartLockout {
  private readonly entries = new Map<string, Entry>();
  private readonly salt = randomBytes(16);
  private readonly growth: number;
  private readonly hashTracking: boolean;

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly clock: Clock,
  ) {
    this.growth = policy.growth ?? 2;
    this.hashTracking = policy.hashTracking ?? false;
  }

  /** Milliseconds the account stays locked (0 when it is not locked). */
  lockedFor(user: string): number {
    const e = this.entries.get(user);
    if (e === undefined) return 0;
    return Math.max(0, e.lockedUntil - this.clock.now());
  }

  /** Records a wrong password; returns true when this failure locked the account. */
  recordFailure(user: string, password: string): boolean {
    let e = this.entries.get(user);
    if (e === undefined) {
      e = { failures: 0, lockouts: 0, lockedUntil: 0, recent: this.hashTracking ? [] : null };
      this.entries.set(user, e);
    }
    if (e.recent !== null) {
      const digest = createHash('sha256').update(this.salt).update(password).digest('base64');
      if (e.recent.includes(digest)) return false;
      e.recent.push(digest);
      if (e.recent.length > REMEMBERED_WRONG_PASSWORDS) e.recent.shift();
    }
    e.failures++;
    if (e.failures < this.policy.threshold) return false;
    e.lockedUntil = this.clock.now() + this.policy.durationMs * this.growth ** e.lockouts;
    e.lockouts++;
    return true;
  }

  recordSuccess(user: string): void {
    this.entries.delete(user);
  }

  /** Users with any failure history (for counters). */
  get tracked(): number {
    return this.entries.size;
  }

  /** Users locked right now. */
  get locked(): number {
    const now = this.clock.now();
    let n = 0;
    for (const e of this.entries.values()) if (e.lockedUntil > now) n++;
    return n;
  }
}
