/** The rule that turns (seed, count, states) into generated users, shared by the harness and the simulator. */
import { SeededBytes } from './seeded-bytes.js';
import { USER_STATES, type UserState } from './test-user.js';
import { UserColumns } from './user-columns.js';

/**
 * Everything that decides a generated user list besides the seed. The harness and the simulator each run
 * the same recipe, so a million users never cross between them and no password travels at all.
 */
export interface UserRecipe {
  readonly count: number;
  readonly domain: string;
  /** Local-part prefix; default `loadtest`. */
  readonly prefix?: string;
  /** Share (0..1) of users in each non-active state; `active` takes whatever is left. */
  readonly states?: Partial<Record<UserState, number>>;
}

const PASSWORD_LENGTH = 20;
// Look-alikes (I l 1 O 0) are left out so a password read off a screen can be typed back; symbols
// leave out quotes, commas, backslashes, spaces and shell metacharacters so the CSV and a shell accept them.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!#%+-.=?@^_~';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;
export const PASSWORD_CLASSES = [UPPER, LOWER, DIGITS, SYMBOLS] as const;

/** Digits in a generated username's number: at least five, more for a larger list. */
function width(count: number): number {
  return Math.max(5, String(count).length);
}

/** Where generated users go, one at a time, as UTF-8 bytes: the simulator's columns or the harness's table. */
export interface UserSink {
  pushBytes(
    name: Uint8Array,
    nameLength: number,
    password: Uint8Array,
    passwordLength: number,
    state: number,
  ): void;
}

/** UTF-8 bytes of every generated username (they all have the same length) and of every password. */
export function generatedLengths(recipe: UserRecipe): { readonly name: number; readonly password: number } {
  const head = Buffer.byteLength(recipe.prefix ?? 'loadtest', 'utf8');
  const tail = Buffer.byteLength(`@${recipe.domain}`, 'utf8');
  return { name: head + width(recipe.count) + tail, password: PASSWORD_LENGTH };
}

/** The users held column-wise, sized exactly up front (what the simulator looks passwords up in). */
export function generateColumns(recipe: UserRecipe, seed: number | string, statesRandom: () => number) {
  const lengths = generatedLengths(recipe);
  const out = new UserColumns({
    users: recipe.count,
    bytes: recipe.count * (lengths.name + lengths.password),
  });
  generateInto(recipe, seed, statesRandom, out);
  return out;
}

/**
 * Makes the users in order into `out` (passwords come off one keystream, so user i's depends on those
 * before it). `statesRandom` is the seeded uniform draw (seededRandom(seed, 'states')) that places
 * non-active states.
 */
export function generateInto(
  recipe: UserRecipe,
  seed: number | string,
  statesRandom: () => number,
  out: UserSink,
): void {
  const { count, domain } = recipe;
  const prefix = recipe.prefix ?? 'loadtest';
  const states = assignStates(count, recipe.states ?? {}, statesRandom);
  const bytes = new SeededBytes(seed, 'passwords');
  const digits = width(count);
  // Bytes, not strings: a million users are written straight into their place (strings took seconds).
  const head = Buffer.from(prefix, 'utf8');
  const tail = Buffer.from(`@${domain}`, 'utf8');
  const name = new Uint8Array(head.length + digits + tail.length);
  name.set(head, 0);
  name.set(tail, head.length + digits);
  const password = new Uint8Array(PASSWORD_LENGTH);
  for (let i = 0; i < count; i++) {
    let n = i + 1;
    for (let k = head.length + digits - 1; k >= head.length; k--) {
      name[k] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    makePassword(bytes, password);
    out.pushBytes(name, name.length, password, PASSWORD_LENGTH, states[i]!);
  }
}

const CLASS_CODES = PASSWORD_CLASSES.map((set) => Buffer.from(set, 'latin1'));
const ALL_CODES = Buffer.from(ALL, 'latin1');

/** One character from each class, the rest from all of them, then shuffled so the classes sit anywhere. */
function makePassword(bytes: SeededBytes, chars: Uint8Array): void {
  for (let k = 0; k < CLASS_CODES.length; k++) {
    const set = CLASS_CODES[k]!;
    chars[k] = set[bytes.below(set.length)]!;
  }
  for (let k = CLASS_CODES.length; k < PASSWORD_LENGTH; k++)
    chars[k] = ALL_CODES[bytes.below(ALL_CODES.length)]!;
  for (let i = chars.length - 1; i > 0; i--) {
    const j = bytes.below(i + 1);
    const t = chars[i]!;
    chars[i] = chars[j]!;
    chars[j] = t;
  }
}

/** Exact counts per state (rounded), placed at seeded random positions; shares are checked by the caller. */
function assignStates(
  count: number,
  shares: Partial<Record<UserState, number>>,
  rand: () => number,
): Uint8Array {
  const out = new Uint8Array(count);
  const picks: number[] = [];
  for (const [s, state] of USER_STATES.entries()) {
    const share = shares[state];
    if (share === undefined || state === 'active') continue;
    for (let n = Math.round(share * count); n > 0; n--) picks.push(s);
  }
  const positions = new Uint32Array(count);
  for (let i = 0; i < count; i++) positions[i] = i;
  for (let i = 0; i < picks.length && i < count; i++) {
    const j = i + Math.floor(rand() * (count - i));
    const t = positions[i]!;
    positions[i] = positions[j]!;
    positions[j] = t;
    out[positions[i]!] = picks[i]!;
  }
  return out;
}

/**
 * Which generated user (0-based) a username names, compared without case as Entra does, or −1: lets the
 * simulator find one of a million generated users without a map of a million keys.
 */
export function generatedIndex(recipe: UserRecipe, username: string): number {
  const name = username.toLowerCase();
  const prefix = (recipe.prefix ?? 'loadtest').toLowerCase();
  const suffix = `@${recipe.domain.toLowerCase()}`;
  const digits = width(recipe.count);
  if (name.length !== prefix.length + digits + suffix.length) return -1;
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return -1;
  let n = 0;
  for (let k = prefix.length; k < prefix.length + digits; k++) {
    const c = name.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n >= 1 && n <= recipe.count ? n - 1 : -1;
}
