/** Test users laid out once in shared memory as ready-to-send form bytes, so workers share them instead of copying. */
import type { TestUser } from '../../protocol/test-user.js';
import { formEncode } from '../../transport/form-encoding.js';

/**
 * What crosses to a worker thread: shared buffers travel by reference, so a million users cost the same
 * to hand to one worker or to four. Passwords live only in this memory, never on disk.
 */
export interface UserTableData {
  readonly count: number;
  /** Per user, `encodedUsername&password=encodedPassword` (ASCII), back to back. */
  readonly bytes: SharedArrayBuffer;
  /** Uint32 × (count + 1): where each user's bytes start; the last entry is the end of the last user. */
  readonly offsets: SharedArrayBuffer;
  /** Uint32 × count: where each user's encoded username ends. */
  readonly nameEnds: SharedArrayBuffer;
}

const PASSWORD_FIELD = '&password=';

/** Lays users out once on the main thread (ASCII after form encoding, so one byte per character). */
export function buildUserTable(users: readonly TestUser[]): UserTableData {
  const count = users.length;
  const offsets = new Uint32Array(new SharedArrayBuffer(4 * (count + 1)));
  const nameEnds = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, count)));
  let scratch = Buffer.allocUnsafe(Math.max(1024, count * 64));
  let at = 0;
  for (let i = 0; i < count; i++) {
    const user = users[i]!;
    // Worst case three bytes per UTF-16 unit becomes nine once percent-encoded.
    const need = 9 * (user.username.length + user.password.length) + PASSWORD_FIELD.length;
    if (at + need > scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + need));
      scratch.copy(bigger, 0, 0, at);
      scratch = bigger;
    }
    offsets[i] = at;
    at = encodeInto(user.username, scratch, at);
    nameEnds[i] = at;
    at += scratch.write(PASSWORD_FIELD, at, 'latin1');
    at = encodeInto(user.password, scratch, at);
  }
  offsets[count] = at;
  const bytes = new SharedArrayBuffer(Math.max(1, at));
  scratch.copy(new Uint8Array(bytes), 0, 0, at);
  return {
    count,
    bytes,
    offsets: offsets.buffer as SharedArrayBuffer,
    nameEnds: nameEnds.buffer as SharedArrayBuffer,
  };
}

const HEX = '0123456789ABCDEF';
/** ASCII that form encoding leaves as it is: letters, digits and `*-._`. */
const PLAIN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._')
  PLAIN[c.charCodeAt(0)] = 1;

/**
 * `formEncode(value)` written straight into `target` (a million users are laid out in well under a second
 * this way, where a string per value and a regex pass took several): ASCII byte by byte, and anything else
 * through formEncode, which knows UTF-8 and lone surrogates.
 */
function encodeInto(value: string, target: Buffer, at: number): number {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) >= 128) return at + target.write(formEncode(value), at, 'latin1');
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (PLAIN[c] === 1) target[at++] = c;
    else if (c === 32) target[at++] = 43;
    else {
      target[at++] = 37;
      target[at++] = HEX.charCodeAt(c >> 4);
      target[at++] = HEX.charCodeAt(c & 15);
    }
  }
  return at;
}

/** A worker's view of its range of the table (users `from`..`to`−1, indexed from 0): reads bytes in place. */
export class UserTable {
  readonly count: number;
  private readonly bytes: Buffer;
  private readonly offsets: Uint32Array;
  private readonly nameEnds: Uint32Array;

  constructor(
    data: UserTableData,
    range: { readonly from: number; readonly to: number } = { from: 0, to: data.count },
  ) {
    this.count = range.to - range.from;
    this.bytes = Buffer.from(data.bytes);
    this.offsets = new Uint32Array(data.offsets, range.from * 4, this.count + 1);
    this.nameEnds = new Uint32Array(data.nameEnds, range.from * 4, this.count);
  }

  /** Length of user `i`'s `username=…&password=…` tail, in bytes. */
  tailLength(i: number): number {
    return this.offsets[i + 1]! - this.offsets[i]!;
  }

  /** Copies user `i`'s tail into `target` at `at`; returns the position after it. */
  copyTail(i: number, target: Buffer, at: number): number {
    return at + this.bytes.copy(target, at, this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** User `i`'s username, decoded (for records that name the user; never the password). */
  username(i: number): string {
    const encoded = this.bytes.toString('latin1', this.offsets[i]!, this.nameEnds[i]!);
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  }
}

/**
 * Which users worker (or shard) `index` of `count` owns: a contiguous, disjoint range, sizes differing by at
 * most one. With fewer users than workers every worker shares them all (a tiny pool is still usable).
 */
export function userRange(total: number, index: number, count: number): { from: number; to: number } {
  if (total < count) return { from: 0, to: total };
  return { from: Math.floor((index * total) / count), to: Math.floor(((index + 1) * total) / count) };
}
