import { UsersError } from '../errors.js';
import { type TestUser, USER_STATES, type UserState } from '../protocol/test-user.js';
import { seededRandom } from '../seeded-random.js';
import { SeededBytes } from './prng.js';

export interface GenerateOptions {
  readonly count: number;
  /** Verified domain the users live in, e.g. `contoso.test`. */
  readonly domain: string;
  /** Same seed, same users (names, passwords and states). Use a random seed for real tenants. */
  readonly seed: number | string;
  /** Local-part prefix; default `loadtest`. */
  readonly prefix?: string;
  /** Share (0..1) of users in each non-active state; `active` takes whatever is left. */
  readonly states?: Partial<Record<UserState, number>>;
}

export const MAX_GENERATED_USERS = 1_000_000;
const PASSWORD_LENGTH = 20;

// Look-alikes (I l 1 O 0) are left out so a password read off a screen can be typed back; symbols
// leave out quotes, commas, backslashes, spaces and shell metacharacters so the CSV and a shell accept them.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!#%+-.=?@^_~';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;
export const PASSWORD_CLASSES = [UPPER, LOWER, DIGITS, SYMBOLS] as const;

const DOMAIN_RE = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const PREFIX_RE = /^[A-Za-z0-9._-]{1,40}$/;

/** Synthetic users `loadtest00001@domain` …, deterministic for a seed. */
export function generateUsers(opts: GenerateOptions): TestUser[] {
  const { count, domain, seed } = opts;
  const prefix = opts.prefix ?? 'loadtest';
  if (!Number.isInteger(count) || count < 1 || count > MAX_GENERATED_USERS) {
    throw new UsersError(
      `users: count must be a whole number from 1 to ${MAX_GENERATED_USERS}, got ${String(count)}.`,
    );
  }
  if (!DOMAIN_RE.test(domain)) {
    throw new UsersError(`users: domain must be a DNS domain like contoso.test, got '${domain}'.`);
  }
  if (!PREFIX_RE.test(prefix)) {
    throw new UsersError(`users: prefix must be 1-40 letters, digits, '.', '_' or '-', got '${prefix}'.`);
  }
  const states = assignStates(count, opts.states ?? {}, seed);
  const bytes = new SeededBytes(seed, 'passwords');
  const width = Math.max(5, String(count).length);
  const users: TestUser[] = new Array(count);
  for (let i = 0; i < count; i++) {
    users[i] = {
      username: `${prefix}${String(i + 1).padStart(width, '0')}@${domain}`,
      password: makePassword(bytes),
      state: states[i]!,
    };
  }
  return users;
}

/** One character from each class, the rest from all of them, then shuffled so the classes sit anywhere. */
function makePassword(bytes: SeededBytes): string {
  const chars: string[] = PASSWORD_CLASSES.map((set) => set[bytes.below(set.length)]!);
  while (chars.length < PASSWORD_LENGTH) chars.push(ALL[bytes.below(ALL.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = bytes.below(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Exact counts per state (rounded), placed at seeded random positions. */
function assignStates(count: number, shares: Partial<Record<UserState, number>>, seed: number | string) {
  const out: UserState[] = new Array(count).fill('active');
  let total = 0;
  const picks: UserState[] = [];
  for (const state of USER_STATES) {
    const share = shares[state];
    if (share === undefined || state === 'active') continue;
    if (!Number.isFinite(share) || share < 0 || share > 1) {
      throw new UsersError(`users: the share of '${state}' users must be between 0 and 1, got ${share}.`);
    }
    total += share;
    for (let n = Math.round(share * count); n > 0; n--) picks.push(state);
  }
  if (total > 1 + 1e-9 || picks.length > count) {
    throw new UsersError(
      `users: the shares of disabled, expired, mfa and ca-blocked users add up to more than 100% (${(total * 100).toFixed(1)}%).`,
    );
  }
  const rand = seededRandom(seed, 'states');
  const positions = Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < picks.length; i++) {
    const j = i + Math.floor(rand() * (count - i));
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
    out[positions[i]!] = picks[i]!;
  }
  return out;
}
