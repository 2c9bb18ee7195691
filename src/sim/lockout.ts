import { createHash, randomBytes } from 'node:crypto';
import type { Clock, LockoutPolicy } from './options.js';

/** How many recent wrong passwords per user are remembered (as salted hashes) to ignore repeats. */
const REMEMBERED_WRONG_PASSWORDS = 3;

interface Entry {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  recent: string[];
}

/**
 * Entra smart lockout as documented: `threshold` distinct wrong passwords lock the account for
 * `durationMs`; once locked out, every further distinct wrong password locks it again, each time
 * `growth` times longer. Repeating a recent wrong password is not counted. A correct password resets
 * the user's history (our choice: the documentation does not say when the growth resets).
 * Only users with failures have an entry, and wrong passwords are kept as salted hashes, never as text.
 */
export class SmartLockout {
  private readonly entries = new Map<string, Entry>();
  private readonly salt = randomBytes(16);
  private readonly growth: number;

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly clock: Clock,
  ) {
    this.growth = policy.growth ?? 2;
  }

  /** Milliseconds the account stays locked (0 when it is not locked). */
  lockedFor(user: string): number {
    const e = this.entries.get(user);
    if (e === undefined) return 0;
    return Math.max(0, e.lockedUntil - this.clock.now());
  }

  /** Records a wrong password; returns true when this failure locked the account. */
  recordFailure(user: string, password: string): boolean {
    const digest = createHash('sha256').update(this.salt).update(password).digest('base64');
    let e = this.entries.get(user);
    if (e === undefined) {
      e = { failures: 0, lockouts: 0, lockedUntil: 0, recent: [] };
      this.entries.set(user, e);
    }
    if (e.recent.includes(digest)) return false;
    e.recent.push(digest);
    if (e.recent.length > REMEMBERED_WRONG_PASSWORDS) e.recent.shift();
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
}
