import { UsersError } from '../errors.js';
import type { TestUser } from '../protocol/test-user.js';

export interface PacingOptions {
  /** Attempts one user may get in any rolling 60 s. */
  readonly perUserPerMinute: number;
  /** Deliberate wrong passwords one user may get in any rolling hour (keep far below smart lockout's 10). */
  readonly wrongPerUserPerHour: number;
  /** Share (0..1) of attempts that should carry a wrong password. */
  readonly wrongPasswordShare: number;
}

export interface PacedPick {
  readonly user: TestUser;
  /** Send a deliberately wrong password this time. */
  readonly wrong: boolean;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Chooses who signs in next without ever trying one user more than `perUserPerMinute` times a minute
 * or giving them more than `wrongPerUserPerHour` wrong passwords an hour. Users are served in strict
 * rotation, so the one at the cursor is always the least recently tried: if it may not go, nobody may,
 * and one check per call suffices (O(1), no allocation; this runs once per sign-in in every worker).
 */
export class UserPacer {
  private readonly users: readonly TestUser[];
  private readonly perMinute: number;
  private readonly wrongPerHour: number;
  private readonly share: number;
  /** Per user, the last `perMinute` attempt times (ring; the slot at `tryPos` is the oldest). */
  private readonly tries: Float64Array;
  private readonly tryPos: Uint8Array;
  /** Per user, the last `wrongPerHour` wrong-password times. */
  private readonly wrongs: Float64Array;
  private readonly wrongPos: Uint8Array;
  private cursor = 0;
  private wrongDebt = 0;
  /** Wrong passwords that were due but held back because the user had had their hourly share. */
  withheldWrong = 0;

  constructor(users: readonly TestUser[], opts: PacingOptions) {
    const { perUserPerMinute, wrongPerUserPerHour, wrongPasswordShare } = opts;
    if (users.length === 0) throw new UsersError('pacing: there are no users to pace.');
    if (!Number.isInteger(perUserPerMinute) || perUserPerMinute < 1 || perUserPerMinute > 255) {
      throw new UsersError(
        `pacing: perUserPerMinute must be a whole number from 1 to 255, got ${perUserPerMinute}.`,
      );
    }
    if (!Number.isInteger(wrongPerUserPerHour) || wrongPerUserPerHour < 0 || wrongPerUserPerHour > 255) {
      throw new UsersError(
        `pacing: wrongPerUserPerHour must be a whole number from 0 to 255, got ${wrongPerUserPerHour}.`,
      );
    }
    if (!(wrongPasswordShare >= 0 && wrongPasswordShare <= 1)) {
      throw new UsersError(
        `pacing: wrongPasswordShare must be a fraction from 0 to 1, got ${wrongPasswordShare}.`,
      );
    }
    this.users = users;
    this.perMinute = perUserPerMinute;
    this.wrongPerHour = wrongPerUserPerHour;
    this.share = wrongPasswordShare;
    this.tries = new Float64Array(users.length * perUserPerMinute).fill(Number.NEGATIVE_INFINITY);
    this.tryPos = new Uint8Array(users.length);
    this.wrongs = new Float64Array(users.length * Math.max(1, wrongPerUserPerHour)).fill(
      Number.NEGATIVE_INFINITY,
    );
    this.wrongPos = new Uint8Array(users.length);
  }

  /** The most sign-ins per second these users can take under the per-minute limit. */
  get maxRatePerS(): number {
    return (this.users.length * this.perMinute) / 60;
  }

  /** The next user to try at `nowMs` (any monotonic ms clock), or undefined when everyone is paced out. */
  next(nowMs: number): PacedPick | undefined {
    const u = this.cursor;
    const slot = u * this.perMinute + this.tryPos[u]!;
    // The oldest of the user's last `perMinute` tries must have left the rolling minute.
    if (this.tries[slot]! > nowMs - MINUTE_MS) return undefined;
    this.tries[slot] = nowMs;
    this.tryPos[u] = (this.tryPos[u]! + 1) % this.perMinute;
    this.cursor = u + 1 === this.users.length ? 0 : u + 1;

    let wrong = false;
    // A running debt spreads wrong passwords evenly; capped so a long hold-back cannot release a clump.
    this.wrongDebt = Math.min(this.wrongDebt + this.share, 2);
    if (this.wrongDebt >= 1) {
      if (this.mayGoWrong(u, nowMs)) {
        wrong = true;
        this.wrongDebt -= 1;
      } else {
        this.withheldWrong++;
      }
    }
    return { user: this.users[u]!, wrong };
  }

  private mayGoWrong(u: number, nowMs: number): boolean {
    if (this.wrongPerHour === 0) return false;
    const slot = u * this.wrongPerHour + this.wrongPos[u]!;
    if (this.wrongs[slot]! > nowMs - HOUR_MS) return false;
    this.wrongs[slot] = nowMs;
    this.wrongPos[u] = (this.wrongPos[u]! + 1) % this.wrongPerHour;
    return true;
  }
}

/**
 * Slice `index` of `count` (0-based): contiguous and disjoint, sizes differing by at most one, so two
 * workers or shards never pace or lock the same account. A slice is empty when count > users.
 */
export function sliceUsers<T>(users: readonly T[], index: number, count: number): T[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new UsersError(
      `users: slice ${index} of ${count} does not exist; use an index from 0 to count - 1.`,
    );
  }
  const start = Math.floor((index * users.length) / count);
  const end = Math.floor(((index + 1) * users.length) / count);
  return users.slice(start, end);
}
