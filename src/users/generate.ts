/** Synthetic test users for a domain, deterministic for a seed, checked before they are made. */
import { UsersError } from '../errors.js';
import {
  generateColumns,
  generatedLengths,
  generateInto,
  PASSWORD_CLASSES,
} from '../protocol/generated-users.js';
import type { TestUser } from '../protocol/test-user.js';
import { USER_STATES, type UserState } from '../protocol/test-user.js';
import type { UserColumns } from '../protocol/user-columns.js';
import { seededRandom } from '../seeded-random.js';
import { tableBytesBound, UserTableBuilder, type UserTableData } from './user-table.js';

export { PASSWORD_CLASSES };

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

const DOMAIN_RE = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const PREFIX_RE = /^[A-Za-z0-9._-]{1,40}$/;

/** Synthetic users `loadtest00001@domain` …, deterministic for a seed (a list: for small counts and the CLI). */
export function generateUsers(opts: GenerateOptions): TestUser[] {
  return generateUserColumns(opts).toArray();
}

/** The same users held column-wise: what a run with up to a million of them uses. */
export function generateUserColumns(opts: GenerateOptions): UserColumns {
  checkOptions(opts);
  return generateColumns(opts, opts.seed, seededRandom(opts.seed, 'states'));
}

/**
 * The same users laid out straight into the shared table a run sends from: no columns or strings of them
 * are made on the way, so nothing of them is left for the garbage collector while the run starts.
 */
export function generateUserTable(opts: GenerateOptions): UserTableData {
  checkOptions(opts);
  const lengths = generatedLengths(opts);
  const table = new UserTableBuilder(
    opts.count,
    tableBytesBound(opts.count, opts.count * (lengths.name + lengths.password)),
  );
  generateInto(opts, opts.seed, seededRandom(opts.seed, 'states'), table);
  return table.finish();
}

/** Refuses a count, domain, prefix or state shares the generator cannot honour, naming the fix. */
function checkOptions(opts: GenerateOptions): void {
  const { count, domain } = opts;
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

  let total = 0;
  let picks = 0;
  for (const state of USER_STATES) {
    const share = opts.states?.[state];
    if (share === undefined || state === 'active') continue;
    if (!Number.isFinite(share) || share < 0 || share > 1) {
      throw new UsersError(`users: the share of '${state}' users must be between 0 and 1, got ${share}.`);
    }
    total += share;
    picks += Math.round(share * count);
  }
  if (total > 1 + 1e-9 || picks > count) {
    throw new UsersError(
      `users: the shares of disabled, expired, mfa and ca-blocked users add up to more than 100% (${(total * 100).toFixed(1)}%).`,
    );
  }
}
