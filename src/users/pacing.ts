/** Per-user pacing of sign-ins and deliberate wrong passwords, so test accounts stay far from any lockout. */
import { UsersError } from '../errors.js';
import type { TestUser } from '../protocol/test-user.js';

export interface PacingOptions {
  /** Attempts one user may get in any rolling 60 s. */
  readonly perUserPerMinute: number;
  /** Deliberate wrong passwords one user may get in any rolling hour (keep far below smart lockout's 10). */
  readonly wrongPerUserPerHour: number;
  /** Share (0..1) of attempts that should carry a wrong password. */
  readonly wrongPasswordShare: number;
  /**
   * Wrong passwords one user may get in the whole run (0–255; default 255). With PTA every wrong password
   * counts towards smart lockout and the on-prem AD, and nobody knows when Entra forgets one, so the run's
   * total is what must stay below the lowest threshold in play.
   */
  readonly wrongPerUserPerRun?: number;
}

export interface PacedPick {
  readonly user: TestUser;
  /** Send a deliberately wrong password this time. */
  readonly wrong: boolean;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Past this many attempt times, the minute's ring keeps one time per block of attempts (see `UserPacer`). */
const EXACT_RING = 65_536;
/** Each round of the rotation shifts which users the wrong passwords fall on (golden-ratio steps). */
const ROUND_SHIFT = 0.618_033_988_749_895;

/**
 * Chooses who signs in next without ever trying one user more than `perUserPerMinute` times a minute,
 * or giving them more than `wrongPerUserPerHour` wrong passwords an hour or `wrongPerUserPerRun` in the
 * run. A user cooling down after a throttle gives up its turns until the cool-down is over. Users are served in strict
 * rotation, so the one at the cursor is always the least recently tried: if it may not go, nobody may,
 * and one check per call suffices (O(1), no allocation; this runs once per sign-in in every worker).
 *
 * Rotation also makes the state small: the user of attempt `a` was last tried `perUserPerMinute` times ago
 * at attempt `a − perUserPerMinute·users`, so one ring of attempt times replaces a ring per user. For a
 * large pool the ring keeps the time of the last attempt of each block of B attempts (at most ~64k blocks),
 * an upper bound on every attempt in the block: the check can only err towards waiting, by at most one
 * block's span (~1/65,536 of a minute at the rate where pacing binds). A million users at 60/min take
 * ~0.5 MB for the minute and 4 bytes per user per allowed wrong password for the hour.
 */
export class UserPacer {
  private readonly users: readonly TestUser[] | undefined;
  readonly count: number;
  private readonly perMinute: number;
  private readonly wrongPerHour: number;
  private readonly share: number;
  /** Attempts in one full window: perMinute rotations. */
  private readonly window: number;
  private readonly block: number;
  /** Per block of `block` attempts, the time of its latest attempt (ring of `blocks.length`). */
  private readonly blocks: Float64Array;
  /** Per user, the last `wrongPerHour` wrong-password times as ceil(ms) + 1 (0 = never). */
  private readonly wrongs: Uint32Array;
  private readonly wrongPos: Uint8Array;
  /** Per user, wrong passwords sent in this run (1 byte each), and the most allowed. */
  private readonly wrongTotal: Uint8Array;
  private readonly wrongPerRun: number;
  /** Per user, when a throttle (50196) cool-down ends; allocated on the first one. */
  private coolUntil: Float64Array | undefined;
  private attempts = 0;
  private cursor = 0;
  private wrongDebt = 0;
  /** Whether the pick `nextIndex` returned last carries a wrong password. */
  wrong = false;
  /** Wrong passwords that were due but held back because the user had had their share (hourly or per run). */
  withheldWrong = 0;

  /** `users` may be just a count: then only `nextIndex` names who goes (workers hold users in shared memory). */
  constructor(users: readonly TestUser[] | number, opts: PacingOptions) {
    const { perUserPerMinute, wrongPerUserPerHour, wrongPasswordShare } = opts;
    const count = typeof users === 'number' ? users : users.length;
    if (count === 0) throw new UsersError('pacing: there are no users to pace.');
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
    this.users = typeof users === 'number' ? undefined : users;
    this.count = count;
    this.perMinute = perUserPerMinute;
    this.wrongPerHour = wrongPerUserPerHour;
    this.share = wrongPasswordShare;
    this.window = count * perUserPerMinute;
    this.block = this.window <= EXACT_RING ? 1 : Math.floor(this.window / EXACT_RING);
    // Two spare blocks: the block being read is never the one being written, even when blocks are partial.
    this.blocks = new Float64Array(Math.ceil(this.window / this.block) + 2).fill(Number.NEGATIVE_INFINITY);
    this.wrongs = new Uint32Array(count * Math.max(1, wrongPerUserPerHour));
    this.wrongPos = new Uint8Array(wrongPerUserPerHour > 1 ? count : 0);
    const perRun = opts.wrongPerUserPerRun ?? 255;
    if (!Number.isInteger(perRun) || perRun < 0 || perRun > 255) {
      throw new UsersError(`pacing: wrongPerUserPerRun must be a whole number from 0 to 255, got ${perRun}.`);
    }
    this.wrongPerRun = perRun;
    this.wrongTotal = new Uint8Array(wrongPasswordShare > 0 && perRun < 255 ? count : 0);
  }

  /** A throttle said user `u` signs in too often (AADSTS50196): its turns are skipped until `untilMs`. */
  coolDown(u: number, untilMs: number): void {
    if (!(u >= 0 && u < this.count)) return;
    this.coolUntil ??= new Float64Array(this.count);
    this.coolUntil[u] = Math.max(this.coolUntil[u]!, untilMs);
  }

  /** The most sign-ins per second these users can take under the per-minute limit. */
  get maxRatePerS(): number {
    return (this.count * this.perMinute) / 60;
  }

  /** The next user to try at `nowMs` (any monotonic ms clock), or undefined when everyone is paced out. */
  next(nowMs: number): PacedPick | undefined {
    const u = this.nextIndex(nowMs);
    if (u < 0) return undefined;
    if (this.users === undefined) throw new TypeError('pacing: built from a count, use nextIndex()');
    return { user: this.users[u]!, wrong: this.wrong };
  }

  /** Index of the next user to try at `nowMs` (`wrong` says whether with a wrong password), or −1. */
  nextIndex(nowMs: number): number {
    const a = this.attempts;
    if (a >= this.window) {
      // The user's try `perMinute` tries ago must have left the rolling minute.
      const past = Math.floor((a - this.window) / this.block) % this.blocks.length;
      if (this.blocks[past]! > nowMs - MINUTE_MS) return -1;
    }
    this.blocks[Math.floor(a / this.block) % this.blocks.length] = nowMs;
    this.attempts = a + 1;
    const u = this.cursor;
    this.cursor = u + 1 === this.count ? 0 : u + 1;
    this.wrong = false;
    // A cooling user's turn passes unused: the rotation (and what the minute's ring knows) stays intact.
    if (this.coolUntil !== undefined && this.coolUntil[u]! > nowMs) return -1;

    // A running debt spreads wrong passwords evenly; capped so a long hold-back cannot release a clump.
    this.wrongDebt = Math.min(this.wrongDebt + this.share, 2);
    if (this.wrongDebt >= 1) {
      if (this.mayGoWrong(u, nowMs)) {
        this.wrong = true;
        this.wrongDebt -= 1;
      } else {
        this.withheldWrong++;
      }
    }
    // Without the shift, a share that divides the user count would hand every wrong password to the same
    // few users, round after round, until their caps held them all back.
    if (this.cursor === 0) this.wrongDebt = (this.wrongDebt + ROUND_SHIFT) % 1;
    return u;
  }

  private mayGoWrong(u: number, nowMs: number): boolean {
    if (this.wrongPerHour === 0) return false;
    const capped = this.wrongTotal.length > 0;
    if (capped && this.wrongTotal[u]! >= this.wrongPerRun) return false;
    const pos = this.wrongPerHour > 1 ? this.wrongPos[u]! : 0;
    const slot = u * this.wrongPerHour + pos;
    const last = this.wrongs[slot]!;
    // Stored rounded up: a stored time is never earlier than the real one, so the hour is never cut short.
    if (last !== 0 && last - 1 > nowMs - HOUR_MS) return false;
    this.wrongs[slot] = Math.min(0xffff_fffe, Math.max(0, Math.ceil(nowMs))) + 1;
    if (this.wrongPerHour > 1) this.wrongPos[u] = (pos + 1) % this.wrongPerHour;
    if (capped) this.wrongTotal[u] = this.wrongTotal[u]! + 1;
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
