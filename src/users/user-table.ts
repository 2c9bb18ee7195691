/** Test users laid out once in shared memory as ready-to-send form bytes, so workers share them instead of copying. */
import { UsersError } from '../errors.js';
import type { TestUser } from '../protocol/test-user.js';
import { UserColumns } from '../protocol/user-columns.js';

/**
 * What a target hands the run and the run hands every worker thread: shared buffers travel by reference, so
 * a million users cost the same to hand to one worker or to four. Passwords live only in this memory.
 */
export interface UserTableData {
  readonly count: number;
  /**
   * Per user, `encodedUsername&password=encodedPassword` (ASCII), back to back, ending at `offsets[count]`.
   * It may be longer than that (sized for the worst case before the users were read): pages past the end
   * are never written, so they take address space, not memory.
   */
  readonly bytes: SharedArrayBuffer;
  /** Uint32 × at least (count + 1): where each user's bytes start; entry `count` is the end of the last user. */
  readonly offsets: SharedArrayBuffer;
  /** Uint32 × at least count: where each user's encoded username ends. */
  readonly nameEnds: SharedArrayBuffer;
}

const PASSWORD_FIELD = Buffer.from('&password=', 'latin1');
/** Offsets are Uint32. */
const MAX_TABLE_BYTES = 2 ** 32 - 1;

/** The most table bytes `users` users of `rawBytes` UTF-8 bytes in all can take (every byte as `%XX`). */
export function tableBytesBound(users: number, rawBytes: number): number {
  return users * PASSWORD_FIELD.length + 3 * rawBytes;
}

/**
 * Writes users straight into the shared table as they are made or read, so no other copy of them (columns,
 * objects, strings) has to live until the table is done and then wait for the garbage collector. Sized up
 * front for the most users and bytes there can be; only what is written is backed by memory.
 */
export class UserTableBuilder {
  private readonly bytes: SharedArrayBuffer;
  private readonly out: Buffer;
  private readonly offsets: Uint32Array;
  private readonly nameEnds: Uint32Array;
  private scratch = Buffer.allocUnsafe(512);
  private at = 0;
  private n = 0;

  constructor(
    private readonly maxUsers: number,
    maxBytes: number,
  ) {
    if (maxBytes > MAX_TABLE_BYTES) {
      throw new UsersError(
        `users: too many users or too long names and passwords for one run (up to ${maxBytes} bytes of them, at most ${MAX_TABLE_BYTES}); split the users over shards (--shard).`,
      );
    }
    this.bytes = new SharedArrayBuffer(Math.max(1, maxBytes));
    this.out = Buffer.from(this.bytes);
    this.offsets = new Uint32Array(new SharedArrayBuffer(4 * (maxUsers + 1)));
    this.nameEnds = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, maxUsers)));
  }

  get count(): number {
    return this.n;
  }

  /** Adds a user whose username and password are UTF-8 bytes (`state` is the simulator's business, not sent). */
  pushBytes(
    name: Uint8Array,
    nameLength: number,
    password: Uint8Array,
    passwordLength: number,
    _state?: number,
  ): void {
    this.pushRange(name, 0, nameLength, password, 0, passwordLength);
  }

  /** Adds a user whose username is `name[nameFrom, nameTo)` and password `password[passwordFrom, passwordTo)`, as UTF-8. */
  pushRange(
    name: Uint8Array,
    nameFrom: number,
    nameTo: number,
    password: Uint8Array,
    passwordFrom: number,
    passwordTo: number,
  ): void {
    const raw = nameTo - nameFrom + passwordTo - passwordFrom;
    // The worst case is checked first (one comparison); only near the end are the bytes counted.
    const fits =
      this.at + tableBytesBound(1, raw) <= this.out.length ||
      this.at +
        PASSWORD_FIELD.length +
        encodedLength(name, nameFrom, nameTo) +
        encodedLength(password, passwordFrom, passwordTo) <=
        this.out.length;
    if (this.n >= this.maxUsers || !fits) {
      throw new RangeError('user table: more users or bytes than it was sized for');
    }
    const out = this.out;
    this.offsets[this.n] = this.at;
    let at = encodeInto(name, nameFrom, nameTo, out, this.at);
    this.nameEnds[this.n] = at;
    at += PASSWORD_FIELD.copy(out, at);
    this.at = encodeInto(password, passwordFrom, passwordTo, out, at);
    this.n++;
  }

  /** Adds a user given as strings (a CSV row): UTF-8 into a scratch buffer, then as bytes. */
  push(username: string, password: string): void {
    const need = 3 * (username.length + password.length);
    if (need > this.scratch.length) this.scratch = Buffer.allocUnsafe(need);
    const nameLength = this.scratch.write(username, 0, 'utf8');
    const passwordLength = this.scratch.write(password, nameLength, 'utf8');
    const s = this.scratch;
    this.pushRange(s, 0, nameLength, s, nameLength, nameLength + passwordLength);
  }

  /** Adds user `i` of columns, straight from their buffer. */
  addColumnsUser(users: UserColumns, i: number): void {
    const src = users.buffer;
    this.pushRange(
      src,
      users.nameStart(i),
      users.passwordStart(i),
      src,
      users.passwordStart(i),
      users.end(i),
    );
  }

  finish(): UserTableData {
    this.offsets[this.n] = this.at;
    return {
      count: this.n,
      bytes: this.bytes,
      offsets: this.offsets.buffer as SharedArrayBuffer,
      nameEnds: this.nameEnds.buffer as SharedArrayBuffer,
    };
  }
}

/** Lays out a list already in memory (columns or objects), sized exactly. */
export function buildUserTable(list: UserColumns | readonly TestUser[]): UserTableData {
  const users = list instanceof UserColumns ? list : UserColumns.from(list);
  const src = users.buffer;
  let size = 0;
  for (let i = 0; i < users.count; i++) {
    size += PASSWORD_FIELD.length + encodedLength(src, users.nameStart(i), users.end(i));
  }
  const builder = new UserTableBuilder(users.count, size);
  for (let i = 0; i < users.count; i++) builder.addColumnsUser(users, i);
  return builder.finish();
}

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
/** Bytes that form encoding leaves as they are: letters, digits and `*-._`; a space becomes `+`, the rest `%XX`. */
const PLAIN = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._')
  PLAIN[c.charCodeAt(0)] = 1;

function encodedLength(src: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = src[k]!;
    n += PLAIN[c] === 1 || c === 32 ? 1 : 3;
  }
  return n;
}

/** Form encoding is per byte of UTF-8, so it runs on the bytes with no string per user. */
function encodeInto(src: Uint8Array, from: number, to: number, target: Buffer, at: number): number {
  for (let k = from; k < to; k++) {
    const c = src[k]!;
    if (PLAIN[c] === 1) target[at++] = c;
    else if (c === 32) target[at++] = 43;
    else {
      target[at++] = 37;
      target[at++] = HEX[c >> 4]!;
      target[at++] = HEX[c & 15]!;
    }
  }
  return at;
}
