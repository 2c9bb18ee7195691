import type { TestUser } from '../../protocol/test-user.js';
import { UserPacer } from '../../users/pacing.js';

interface Credential {
  readonly username: string;
  readonly password: string;
}

/** Hands out the next sign-in's credentials: users in turn, a set share of them with a deliberately wrong password. */
export interface CredentialPicker {
  /** `undefined` when pacing allows no user right now (the arrival is skipped and counted, never queued). */
  next(nowMs: number): Credential | undefined;
}

export function credentialPicker(opts: {
  readonly users: readonly TestUser[];
  readonly wrongPasswordShare: number;
  readonly pacing?: { readonly perUserPerMinute: number; readonly wrongPerUserPerHour: number };
}): CredentialPicker {
  if (opts.users.length === 0) return { next: () => undefined };
  if (opts.pacing) {
    const pacer = new UserPacer(opts.users, { ...opts.pacing, wrongPasswordShare: opts.wrongPasswordShare });
    return {
      next(nowMs) {
        const pick = pacer.next(nowMs);
        if (!pick) return undefined;
        return {
          username: pick.user.username,
          password: pick.wrong ? wrongPassword(pick.user.password) : pick.user.password,
        };
      },
    };
  }
  let i = -1;
  let wrongDebt = 0;
  const users = opts.users;
  return {
    next() {
      i = (i + 1) % users.length;
      const user = users[i]!;
      // A running debt spreads wrong passwords evenly instead of in clumps.
      wrongDebt += opts.wrongPasswordShare;
      if (wrongDebt >= 1) {
        wrongDebt -= 1;
        return { username: user.username, password: wrongPassword(user.password) };
      }
      return user;
    },
  };
}

/**
 * The same wrong password for a user every time: smart lockout does not count a repeated wrong password
 * again, which keeps deliberate failures from locking test accounts.
 */
function wrongPassword(password: string): string {
  return `${password}#wrong`;
}
