/** Who signs in next, and with which password: users in turn, a set share deliberately wrong, paced when asked. */
import { UserPacer } from '../../users/pacing.js';

export interface PacingSpec {
  readonly perUserPerMinute: number;
  readonly wrongPerUserPerHour: number;
  /** Wrong passwords one user may get in the whole run: below the lowest lockout threshold in play. */
  readonly wrongPerUserPerRun?: number;
}

/**
 * Hands out the next sign-in's user as an index into the worker's users (no object per pick): `next`
 * returns the index, or −1 when pacing allows nobody right now (the arrival is skipped and counted, never
 * queued), and `wrong` says whether this one carries the deliberately wrong password.
 */
export interface CredentialPicker {
  next(nowMs: number): number;
  readonly wrong: boolean;
  /** Leave user `user` alone until `untilMs` (Entra said it signs in too often: AADSTS50196). */
  coolDown(user: number, untilMs: number): void;
}

/** Golden-ratio phase shift per round of the rotation, so wrong passwords do not fall on the same users. */
const ROUND_SHIFT = 0.618_033_988_749_895;

export function credentialPicker(opts: {
  readonly users: number;
  readonly wrongPasswordShare: number;
  readonly pacing?: PacingSpec;
}): CredentialPicker {
  if (opts.users === 0) return { next: () => -1, wrong: false, coolDown: () => {} };
  if (opts.pacing) {
    const pacer = new UserPacer(opts.users, { ...opts.pacing, wrongPasswordShare: opts.wrongPasswordShare });
    return {
      next: (nowMs) => pacer.nextIndex(nowMs),
      get wrong() {
        return pacer.wrong;
      },
      coolDown: (user, untilMs) => pacer.coolDown(user, untilMs),
    };
  }
  return new Rotation(opts.users, opts.wrongPasswordShare);
}

class Rotation implements CredentialPicker {
  private i = -1;
  private wrongDebt = 0;
  private coolUntil: Float64Array | undefined;
  wrong = false;

  constructor(
    private readonly count: number,
    private readonly share: number,
  ) {}

  next(nowMs: number): number {
    this.step();
    // No pacer here (the simulator's own runs): a cooling user is simply passed over for the next one.
    if (this.coolUntil !== undefined && this.coolUntil[this.i]! > nowMs) this.step();
    // A running debt spreads wrong passwords evenly instead of in clumps.
    this.wrongDebt += this.share;
    this.wrong = this.wrongDebt >= 1;
    if (this.wrong) this.wrongDebt -= 1;
    return this.i;
  }

  coolDown(user: number, untilMs: number): void {
    this.coolUntil ??= new Float64Array(this.count);
    if (user >= 0 && user < this.count) this.coolUntil[user] = Math.max(this.coolUntil[user]!, untilMs);
  }

  private step(): void {
    if (this.i + 1 < this.count) {
      this.i++;
      return;
    }
    this.i = 0;
    // Without the shift, a share that divides the user count hands every wrong password to the same users.
    this.wrongDebt = (this.wrongDebt + ROUND_SHIFT) % 1;
  }
}

/** What a wrong password adds to the right one (form-encoded: `%23wrong`). */
export const WRONG_SUFFIX = '#wrong';

/**
 * A wrong password for a user: the same one every time. With PTA that makes it no safer (every wrong
 * password counts towards smart lockout, repeats included, and is a failed logon at the domain controller);
 * the pacer's per-user limits are what keep accounts from locking.
 */
export function wrongPassword(password: string): string {
  return `${password}${WRONG_SUFFIX}`;
}
