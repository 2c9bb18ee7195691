/** A users CSV read straight into the shared user table: the fast path for plain files, the full reader for anything else. */
import { isUtf8 } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import { USER_STATES } from '../protocol/test-user.js';
import { checkHeader, isHeader, readUsersFile, toUser } from './csv.js';
import { buildUserTable, tableBytesBound, UserTableBuilder, type UserTableData } from './user-table.js';

/** What the fast path does not handle itself; it, or a refused row (UsersError), sends the file to the full reader. */
class NotPlain extends Error {}

/**
 * Reads a users CSV into the table a run sends from, in one streaming pass, with no object kept per user.
 * Plain rows (no quotes, no lone CR) are split here, from the bytes (no string per row when they are
 * printable ASCII); a file with anything else, any row the checks refuse, a possible duplicate, or any
 * fault at all (a file too big to size a table for, one that cannot be read) is read again by
 * readUsersFile, which handles quoting and words every error (file:line and the fix). The result is the
 * same users in the same order either way.
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
  } catch {
    return buildUserTable(await readUsersFile(path));
  }
}

/** Bytes read at a time; a line longer than this goes to the full reader. */
const CHUNK = 1 << 20;
const STATE_BYTES = USER_STATES.map((state) => Buffer.from(state, 'latin1'));

async function readPlain(path: string, size: number): Promise<UserTableData> {
  // A row is at least `a@b,c` and a line end, and no user has more bytes than the file: sized for that
  // once, so nothing is regrown (and copied) as the file is read; only what is written takes memory.
  const maxRows = Math.floor(size / 6) + 1;
  const out = new UserTableBuilder(maxRows, tableBytesBound(maxRows, size));
  const hashes = new Float64Array(maxRows);
  let first = true;
  /** A row as text, checked by the full reader's own rules (the first row, and any row not plain ASCII). */
  const rowText = (line: string) => {
    if (line.includes('\r')) throw new NotPlain();
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
  const buf = Buffer.allocUnsafe(CHUNK);
  /** Row `buf[from, to)` (no line end): straight from the bytes when plainly valid, else as text. */
  const row = (from: number, to: number) => {
    if (from === to) return;
    const fast = first ? undefined : plainRow(buf, from, to);
    if (fast === undefined) return rowText(buf.toString('utf8', from, to));
    if (out.count === maxRows) throw new NotPlain();
    hashes[out.count] = hash52Bytes(buf, from, fast.comma);
    out.pushRange(buf, from, fast.comma, buf, fast.comma + 1, fast.passwordEnd);
  };
  const handle = await open(path, 'r');
  try {
    let have = 0;
    for (;;) {
      if (have === CHUNK) throw new NotPlain();
      const { bytesRead } = await handle.read(buf, have, CHUNK - have, null);
      const end = have + bytesRead;
      // Whole lines only (an LF never sits inside a UTF-8 sequence); the rest waits for the next read.
      const whole = bytesRead === 0 ? end : buf.lastIndexOf(10, end - 1) + 1;
      const lines = buf.subarray(0, whole);
      // Quotes, NUL bytes and bytes that are not UTF-8 are left to the full reader.
      if (lines.indexOf(34) >= 0 || lines.indexOf(0) >= 0 || !isUtf8(lines)) throw new NotPlain();
      let from = 0;
      while (from < whole) {
        let nl = buf.indexOf(10, from);
        if (nl < 0 || nl >= whole) nl = whole;
        // LF or CRLF; a CR anywhere else (old Mac line ends, a stray CR) goes to the full reader.
        row(from, nl > from && buf[nl - 1] === 13 ? nl - 1 : nl);
        from = nl + 1;
      }
      buf.copyWithin(0, whole, end);
      have = end - whole;
      if (bytesRead === 0) break;
    }
  } finally {
    await handle.close();
  }
  if (out.count === 0 || mayRepeat(hashes.subarray(0, out.count))) throw new NotPlain();
  return out.finish();
}

/**
 * Where a row's fields end, if it is one toUser surely takes as it stands: printable ASCII with no space,
 * 2 or 3 fields, one '@' inside the username, a password, a known state or none. Anything else: undefined,
 * and the row is read as text.
 */
function plainRow(buf: Buffer, from: number, to: number): { comma: number; passwordEnd: number } | undefined {
  let comma = -1;
  let second = -1;
  let at = -1;
  for (let k = from; k < to; k++) {
    const c = buf[k]!;
    if (c === 44) {
      if (comma < 0) comma = k;
      else if (second < 0) second = k;
      else return undefined;
    } else if (c < 0x21 || c > 0x7e) return undefined;
    else if (c === 64 && comma < 0) {
      if (at >= 0) return undefined;
      at = k;
    }
  }
  const passwordEnd = second < 0 ? to : second;
  if (comma < 0 || at <= from || at >= comma - 1 || passwordEnd === comma + 1) return undefined;
  if (second >= 0 && second + 1 < to && !knownState(buf, second + 1, to)) return undefined;
  return { comma, passwordEnd };
}

function knownState(buf: Buffer, from: number, to: number): boolean {
  return STATE_BYTES.some((state) => {
    if (state.length !== to - from) return false;
    for (let k = 0; k < state.length; k++) if (lower(buf[from + k]!) !== state[k]) return false;
    return true;
  });
}

const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/** hash52 of the lower-cased ASCII bytes: the same value hash52 gives the lower-cased string. */
function hash52Bytes(buf: Buffer, from: number, to: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let k = from; k < to; k++) {
    const c = lower(buf[k]!);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
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
