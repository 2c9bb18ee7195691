/** Who signs in next, and with which password: users in turn, a set share deliberately wrong, paced when asked. */
import { UserPacer } from '../../users/pacing.js';

/**
 * Hands out the next sign-in's user as an index into the worker's users (no object per pick): `next`
 * returns the index, or −1 when pacing allows nobody right now (the arrival is skipped and counted, never
 * queued), and `wrong` says whether this one carries the deliberately wrong password.
 */
export interface CredentialPicker {
  next(nowMs: number): number;
  readonly wrong: boolean;
}

export function credentialPicker(opts: {
  readonly users: number;
  readonly wrongPasswordShare: number;
  readonly pacing?: { readonly perUserPerMinute: number; readonly wrongPerUserPerHour: number };
}): CredentialPicker {
  if (opts.users === 0) return { next: () => -1, wrong: false };
  if (opts.pacing) {
    const pacer = new UserPacer(opts.users, { ...opts.pacing, wrongPasswordShare: opts.wrongPasswordShare });
    return {
      next: (nowMs) => pacer.nextIndex(nowMs),
      get wrong() {
        return pacer.wrong;
      },
    };
  }
  return new Rotation(opts.users, opts.wrongPasswordShare);
}

class Rotation implements CredentialPicker {
  private i = -1;
  private wrongDebt = 0;
  wrong = false;

  constructor(
    private readonly count: number,
    private readonly share: number,
  ) {}

  next(): number {
    this.i = this.i + 1 === this.count ? 0 : this.i + 1;
    // A running debt spreads wrong passwords evenly instead of in clumps.
    this.wrongDebt += this.share;
    this.wrong = this.wrongDebt >= 1;
    if (this.wrong) this.wrongDebt -= 1;
    return this.i;
  }
}

/** What a wrong password adds to the right one (form-encoded: `%23wrong`). */
export const WRONG_SUFFIX = '#wrong';

/**
 * The same wrong password for a user every time: smart lockout does not count a repeated wrong password
 * again, which keeps deliberate failures from locking test accounts.
 */
export function wrongPassword(password: string): string {
  return `${password}${WRONG_SUFFIX}`;
}
