/** Test users laid out once in shared memory as ready-to-send form bytes, so workers share them instead of copying. */
import type { TestUser } from '../../protocol/test-user.js';
import { UserColumns } from '../../protocol/user-columns.js';

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

const PASSWORD_FIELD = Buffer.from('&password=', 'latin1');

/**
 * Lays users out once on the main thread, straight from their UTF-8 bytes (no string per user): form
 * encoding is per byte of UTF-8, so letters, digits and `*-._` stay, a space becomes `+`, the rest `%XX`.
 */
export function buildUserTable(list: UserColumns | readonly TestUser[]): UserTableData {
  const users = list instanceof UserColumns ? list : UserColumns.from(list);
  const count = users.count;
  const src = users.buffer;
  const offsets = new Uint32Array(new SharedArrayBuffer(4 * (count + 1)));
  const nameEnds = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, count)));
  // Exact size first, so the shared buffer is filled in place with no scratch copy.
  let size = 0;
  for (let i = 0; i < count; i++) {
    size += PASSWORD_FIELD.length + encodedLength(src, users.nameStart(i), users.end(i));
  }
  const bytes = new SharedArrayBuffer(Math.max(1, size));
  const out = Buffer.from(bytes);
  let at = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = at;
    at = encodeInto(src, users.nameStart(i), users.passwordStart(i), out, at);
    nameEnds[i] = at;
    at += PASSWORD_FIELD.copy(out, at);
    at = encodeInto(src, users.passwordStart(i), users.end(i), out, at);
  }
  offsets[count] = at;
  return {
    count,
    bytes,
    offsets: offsets.buffer as SharedArrayBuffer,
    nameEnds: nameEnds.buffer as SharedArrayBuffer,
  };
}

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
/** Bytes that form encoding leaves as they are: letters, digits and `*-._`. */
const PLAIN = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._')
  PLAIN[c.charCodeAt(0)] = 1;

function encodedLength(src: Buffer, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = src[k]!;
    n += PLAIN[c] === 1 || c === 32 ? 1 : 3;
  }
  return n;
}

function encodeInto(src: Buffer, from: number, to: number, target: Buffer, at: number): number {
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
