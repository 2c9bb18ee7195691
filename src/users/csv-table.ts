/** A users CSV read straight into the shared user table: the fast path for plain files, the full reader for anything else. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsersError } from '../errors.js';
import { checkHeader, isHeader, readUsersFile, toUser } from './csv.js';
import { buildUserTable, tableBytesBound, UserTableBuilder, type UserTableData } from './user-table.js';

/** Anything the fast path does not handle itself: the full reader then reads the file (and names any fault). */
class NotPlain extends Error {}

/**
 * Reads a users CSV into the table a run sends from, in one streaming pass, with no object kept per user.
 * Plain rows (no quotes, no lone CR) are split here; a file with anything else, or any row the checks
 * refuse, or a possible duplicate, is read again by readUsersFile, which handles quoting and words every
 * error (file:line and the fix). The result is the same users in the same order either way.
 */
export async function readUsersTable(path: string): Promise<UserTableData> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    // The full reader words a missing or unreadable file.
    return buildUserTable(await readUsersFile(path));
  }
  try {
    return await readPlain(path, size);
  } catch (err) {
    if (!(err instanceof NotPlain)) throw err;
    return buildUserTable(await readUsersFile(path));
  }
}

async function readPlain(path: string, size: number): Promise<UserTableData> {
  // A row is at least `a@b,c` and a line end, and no user has more bytes than the file: sized for that
  // once, so nothing is regrown (and copied) as the file is read; only what is written takes memory.
  const maxRows = Math.floor(size / 6) + 1;
  const out = new UserTableBuilder(maxRows, tableBytesBound(maxRows, size));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const hashes = new Float64Array(maxRows);
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  const row = (line: string) => {
    if (line === '') return;
    const record = line.split(',');
    if (first) {
      first = false;
      if (record[0]?.charCodeAt(0) === 0xfeff) record[0] = record[0].slice(1);
      if (isHeader(record)) {
        checkHeader(path, 1, record);
        return;
      }
    }
    const user = toUser(path, 0, record);
    if (out.count === maxRows) throw new NotPlain();
    hashes[out.count] = hash52(user.username.toLowerCase());
    out.push(user.username, user.password);
  };
  try {
    for await (const piece of createReadStream(path)) {
      const chunk = piece as Buffer;
      // Quotes, NUL bytes and bytes that are not UTF-8 are left to the full reader.
      if (chunk.indexOf(34) >= 0 || chunk.indexOf(0) >= 0) throw new NotPlain();
      decoder.decode(chunk, { stream: true });
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const last = data.lastIndexOf(10);
      if (last < 0) {
        carry = data;
        continue;
      }
      eachLine(data.toString('utf8', 0, last), row);
      carry = Buffer.from(data.subarray(last + 1));
    }
    decoder.decode();
    if (carry.length > 0) eachLine(carry.toString('utf8'), row);
  } catch (err) {
    // A refused row, a NUL or a byte that is not UTF-8 (TextDecoder's TypeError): the full reader words it.
    if (err instanceof NotPlain || err instanceof UsersError || err instanceof TypeError) {
      throw new NotPlain();
    }
    throw err;
  }
  if (out.count === 0 || mayRepeat(hashes.subarray(0, out.count))) throw new NotPlain();
  return out.finish();
}

/** Lines ending in LF or CRLF; a CR anywhere else (old Mac line ends, a stray CR) goes to the full reader. */
function eachLine(text: string, row: (line: string) => void): void {
  let from = 0;
  for (;;) {
    const nl = text.indexOf('\n', from);
    const end = nl < 0 ? text.length : nl;
    let line = text.slice(from, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.includes('\r')) throw new NotPlain();
    row(line);
    if (nl < 0) return;
    from = nl + 1;
  }
}

/** Two FNV-1a variants folded into 52 bits: a million names collide by chance about once in ten thousand files. */
function hash52(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

/** True when two usernames may be the same (same hash): the full reader then decides and names the lines. Sorts in place. */
function mayRepeat(hashes: Float64Array): boolean {
  const sorted = hashes.sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}
