import { createHash } from 'node:crypto';
import { UsersError } from '../errors.js';
import { generateColumns, generatedIndex, type UserRecipe } from '../protocol/generated-users.js';
import type { TestUser, UserState } from '../protocol/test-user.js';
import type { UserColumns } from '../protocol/user-columns.js';
import { seededRandom } from '../seeded-random.js';

export interface DirectoryUser {
  /** As loaded (Entra keeps the UPN's case). */
  readonly username: string;
  /** Lower-case UPN: the lookup and lockout key. */
  readonly key: string;
  readonly password: string;
  readonly state: UserState;
  /** Object id, made on first successful sign-in so loading a million users stays cheap. */
  oid?: string;
}

/**
 * The tenant's cloud directory: users by UPN (compared without case, as Entra does) and the verified
 * domains, which are the sim's domain plus every domain its users live in. Generated users are kept
 * column-wise and looked up by the number in their name; only those that sign in become objects.
 */
export class UserDirectory {
  private readonly users = new Map<string, DirectoryUser>();
  readonly domains = new Set<string>();
  private recipe: UserRecipe | undefined;
  private derived: UserColumns | undefined;
  /** Generated users touched so far (so an object id, once made, stays). */
  private readonly touched = new Map<number, DirectoryUser>();
  /** Loaded users that replace a generated one of the same name (counted once in `size`). */
  private shadowed = 0;

  constructor(readonly primaryDomain: string) {
    this.domains.add(primaryDomain.toLowerCase());
  }

  get size(): number {
    return this.users.size + (this.derived?.count ?? 0) - this.shadowed;
  }

  /** Derives generated users from the seed, exactly as the harness does; loaded users take precedence. */
  derive(recipe: UserRecipe, seed: number | string): void {
    this.recipe = recipe;
    this.derived = generateColumns(recipe, seed, seededRandom(seed, 'states'));
    this.touched.clear();
    this.shadowed = 0;
    for (const key of this.users.keys()) if (generatedIndex(recipe, key) >= 0) this.shadowed++;
    this.domains.add(recipe.domain.toLowerCase());
  }

  /** Adds users, replacing any with the same UPN; a batch naming one UPN twice is refused. */
  load(users: readonly TestUser[], source = 'users'): void {
    const seen = new Set<string>();
    for (const [i, u] of users.entries()) {
      const key = u.username.toLowerCase();
      if (seen.has(key)) {
        throw new UsersError(
          `${source}[${i}]: duplicate username '${u.username}'. Usernames are compared without case, as Entra does; remove or rename one of them.`,
        );
      }
      seen.add(key);
    }
    for (const u of users) {
      const key = u.username.toLowerCase();
      if (this.recipe && !this.users.has(key) && generatedIndex(this.recipe, key) >= 0) this.shadowed++;
      this.users.set(key, { username: u.username, key, password: u.password, state: u.state });
      const at = key.lastIndexOf('@');
      if (at > 0) this.domains.add(key.slice(at + 1));
    }
  }

  find(username: string): DirectoryUser | undefined {
    const key = username.toLowerCase();
    const loaded = this.users.get(key);
    if (loaded || !this.recipe || !this.derived) return loaded;
    const i = generatedIndex(this.recipe, key);
    if (i < 0) return undefined;
    let user = this.touched.get(i);
    if (!user) {
      const name = this.derived.username(i);
      user = {
        username: name,
        key: name.toLowerCase(),
        password: this.derived.password(i),
        state: this.derived.state(i),
      };
      this.touched.set(i, user);
    }
    return user;
  }

  isVerifiedDomain(domain: string): boolean {
    return this.domains.has(domain.toLowerCase());
  }
}

/** A stable GUID-shaped id derived from a name (same name, same id across runs). */
function guidFrom(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function objectId(user: DirectoryUser): string {
  user.oid ??= guidFrom(`user:${user.key}`);
  return user.oid;
}
