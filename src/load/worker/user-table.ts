/** A worker's view of the shared user table (src/users/user-table.ts), and which range of it each worker owns. */
import type { UserTableData } from '../../users/user-table.js';

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
