/** Test users held column-wise in a few flat buffers, so a million of them are not a million objects. */
import { type TestUser, USER_STATES, type UserState } from './test-user.js';

/**
 * Usernames and passwords as UTF-8 back to back in one growing buffer, with offsets and a state byte per user.
 * Strings are made only when asked for one user, and thrown away after; passwords live only in this memory.
 */
export class UserColumns {
  private bytes: Buffer;
  private at = 0;
  /** Per user: where its username starts, where its password starts; then one closing offset. */
  private starts: Uint32Array;
  private states: Uint8Array;
  private n = 0;

  /** `capacity`: the users and bytes to make room for at once (what a generator knows), so nothing is regrown. */
  constructor(
    capacity: { readonly users: number; readonly bytes: number } = { users: 1 << 11, bytes: 1 << 16 },
  ) {
    this.bytes = Buffer.allocUnsafe(Math.max(1, capacity.bytes));
    this.starts = new Uint32Array(2 * capacity.users + 1);
    this.states = new Uint8Array(Math.max(1, capacity.users));
  }

  static from(users: readonly TestUser[]): UserColumns {
    const out = new UserColumns();
    for (const u of users) out.push(u.username, u.password, u.state);
    return out;
  }

  get count(): number {
    return this.n;
  }

  push(username: string, password: string, state: UserState): void {
    this.reserve(3 * (username.length + password.length));
    this.starts[2 * this.n] = this.at;
    this.at += this.bytes.write(username, this.at, 'utf8');
    this.starts[2 * this.n + 1] = this.at;
    this.at += this.bytes.write(password, this.at, 'utf8');
    this.starts[2 * this.n + 2] = this.at;
    this.states[this.n] = USER_STATES.indexOf(state);
    this.n++;
  }

  /** Room for one more user of up to `need` bytes. */
  private reserve(need: number): void {
    if (this.at + need > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + need));
      this.bytes.copy(bigger, 0, 0, this.at);
      this.bytes = bigger;
    }
    if (2 * this.n + 3 > this.starts.length) {
      const bigger = new Uint32Array(this.starts.length * 2 + 1);
      bigger.set(this.starts);
      this.starts = bigger;
      const states = new Uint8Array(this.states.length * 2);
      states.set(this.states);
      this.states = states;
    }
  }

  /** Adds a user whose username and password are already UTF-8 bytes (the generator's fast path). */
  pushBytes(
    name: Uint8Array,
    nameLength: number,
    password: Uint8Array,
    passwordLength: number,
    state: number,
  ): void {
    this.reserve(nameLength + passwordLength);
    this.starts[2 * this.n] = this.at;
    this.bytes.set(name.subarray(0, nameLength), this.at);
    this.at += nameLength;
    this.starts[2 * this.n + 1] = this.at;
    this.bytes.set(password.subarray(0, passwordLength), this.at);
    this.at += passwordLength;
    this.starts[2 * this.n + 2] = this.at;
    this.states[this.n] = state;
    this.n++;
  }

  /** The UTF-8 bytes behind every user; user i's username is [nameStart(i), passwordStart(i)), its password up to end(i). */
  get buffer(): Buffer {
    return this.bytes;
  }

  nameStart(i: number): number {
    return this.starts[2 * i]!;
  }

  passwordStart(i: number): number {
    return this.starts[2 * i + 1]!;
  }

  end(i: number): number {
    return this.starts[2 * i + 2]!;
  }

  username(i: number): string {
    return this.bytes.toString('utf8', this.starts[2 * i]!, this.starts[2 * i + 1]!);
  }

  password(i: number): string {
    return this.bytes.toString('utf8', this.starts[2 * i + 1]!, this.starts[2 * i + 2]!);
  }

  state(i: number): UserState {
    return USER_STATES[this.states[i]!]!;
  }

  user(i: number): TestUser {
    return { username: this.username(i), password: this.password(i), state: this.state(i) };
  }

  /** All users as objects: for small lists (CLI output, tests), never on the hot start-up path. */
  toArray(): TestUser[] {
    return Array.from({ length: this.n }, (_, i) => this.user(i));
  }
}
