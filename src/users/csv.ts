import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { UsersError } from '../errors.js';
import { isUserState, type TestUser, USER_STATES, type UserState } from '../protocol/test-user.js';

const FORMAT = 'Each row is username,password[,state] (state: ' + USER_STATES.join(', ') + ').';

/**
 * Reads a users CSV (`username,password[,state]`, header row optional) in one streaming pass.
 * Error messages name `file:line` and the fix but never echo a password or any field that could
 * hold one (a misquoted password spills into the state column).
 */
export async function readUsersFile(path: string): Promise<TestUser[]> {
  const source = createReadStream(path);
  // Files edited on different systems mix line endings; accept any of them on every line.
  const parser = parse({
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  source.on('error', (err) => parser.destroy(err));
  source
    .pipe(textGuard(path))
    .on('error', (err) => parser.destroy(err))
    .pipe(parser);

  const users: TestUser[] = [];
  const seen = new Map<string, number>();
  let first = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = startLine(record, info.lines);
      if (first) {
        first = false;
        if (isHeader(record)) {
          checkHeader(path, line, record);
          continue;
        }
      }
      const user = toUser(path, line, record);
      const key = user.username.toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new UsersError(
          `${path}:${line}: duplicate username '${user.username}' (first seen on line ${earlier}). ` +
            'Usernames are compared without case, as Entra does; remove or rename one of them.',
        );
      }
      seen.set(key, line);
      users.push(user);
    }
  } catch (err) {
    throw asUsersError(path, err);
  } finally {
    source.destroy();
  }
  if (users.length === 0) {
    throw new UsersError(
      `${path}: no users in the file. ${FORMAT} Create one with 'ptaload users generate'.`,
    );
  }
  return users;
}

/**
 * Passes the bytes on only if they are text a password can be read from: UTF-8 (a file saved in another
 * encoding would otherwise be decoded with replacement characters, and every password with an accent
 * silently become wrong) and no NUL byte (a UTF-16 file, or binary).
 */
function textGuard(path: string): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        const at = line + count(chunk.subarray(0, nul));
        return done(
          new UsersError(
            `${path}:${at}: a NUL byte: this is not a text CSV (saved as UTF-16, or a binary file?). Save it as UTF-8 text; ${FORMAT}`,
          ),
        );
      }
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        const text = chunk.toString('utf8');
        const at = line + (text.slice(0, text.indexOf('\uFFFD')).match(/\n/g)?.length ?? 0);
        return done(
          new UsersError(
            `${path}:${at}: not UTF-8 text (saved as Windows-1252 or Latin-1?); passwords with accented letters would be read wrong. Save the file as UTF-8 and run again.`,
          ),
        );
      }
      line += count(chunk);
      done(null, chunk);
    },
  });
}

function count(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** csv-parse reports the line a record ends on; a quoted field with newlines starts earlier. */
function startLine(record: readonly string[], endLine: number): number {
  let newlines = 0;
  for (const field of record) for (const ch of field) if (ch === '\n') newlines++;
  return endLine - newlines;
}

export function isHeader(record: readonly string[]): boolean {
  return record[0]?.trim().toLowerCase() === 'username';
}

export function checkHeader(path: string, line: number, record: readonly string[]): void {
  const names = record.map((f) => f.trim().toLowerCase());
  const ok = names[1] === 'password' && (names.length === 2 || (names.length === 3 && names[2] === 'state'));
  if (!ok) {
    throw new UsersError(
      `${path}:${line}: the header row must be 'username,password' or 'username,password,state', got '${names.join(',')}'.`,
    );
  }
}

export function toUser(path: string, line: number, record: readonly string[]): TestUser {
  if (record.length < 2 || record.length > 3) {
    throw new UsersError(
      `${path}:${line}: expected 2 or 3 columns, got ${record.length}. ${FORMAT} ` +
        'Quote a password that contains a comma or a double quote ("a,b" and "a""b").',
    );
  }
  const username = record[0]!.trim();
  const password = record[1]!;
  const stateText = (record[2] ?? '').trim().toLowerCase();
  if (username === '') throw new UsersError(`${path}:${line}: the username is empty. ${FORMAT}`);
  if (!/^[^@\s]+@[^@\s]+$/.test(username)) {
    throw new UsersError(
      `${path}:${line}: the username must be a user principal name like user@contoso.test (one '@', no spaces).`,
    );
  }
  if (password === '') throw new UsersError(`${path}:${line}: user '${username}' has no password. ${FORMAT}`);
  if (/^\s|\s$/.test(password)) {
    // Entra's password grant refuses such passwords, so every sign-in of this user would fail the same way.
    throw new UsersError(
      `${path}:${line}: the password of user '${username}' starts or ends with whitespace (a space, tab or line break), which Entra's password grant (ROPC) refuses. Remove the whitespace, in the file and in the directory, or use another test user.`,
    );
  }
  let state: UserState = 'active';
  if (stateText !== '') {
    if (!isUserState(stateText)) {
      throw new UsersError(
        `${path}:${line}: unknown state in column 3 for user '${username}'; use one of ${USER_STATES.join(', ')} or leave it empty (active). ` +
          'If the password contains a comma, quote it.',
      );
    }
    state = stateText;
  }
  return { username, password, state };
}

function asUsersError(path: string, err: unknown): UsersError {
  if (err instanceof UsersError) return err;
  if (err instanceof CsvError) {
    const line = (err as CsvError & { lines?: number }).lines;
    const where = line ? `${path}:${line}` : path;
    const why =
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field is never closed'
        : err.code === 'CSV_INVALID_CLOSING_QUOTE'
          ? 'a closing quote is followed by something other than a comma'
          : `the CSV does not parse (${err.code})`;
    return new UsersError(`${where}: ${why}. ${FORMAT} Inside quotes, write a double quote as "".`);
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a folder, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : ((err as Error | undefined)?.message ?? String(err));
  return new UsersError(
    `cannot read users file ${path}: ${why}. Check the path (relative paths in a profile are relative to the profile's folder).`,
  );
}

/**
 * Writes users as CSV with a header, readable only by the owner (it holds passwords). Refuses to
 * replace an existing file unless `force`.
 */
export async function writeUsersCsv(
  path: string,
  users: readonly TestUser[],
  opts: { force?: boolean } = {},
): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, opts.force ? 'w' : 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsersError(`${path} already exists; use --force to overwrite it.`);
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (err as Error).message;
    throw new UsersError(`cannot write ${path}: ${why}.`);
  }
  try {
    let chunk = 'username,password,state\n';
    for (const u of users) {
      chunk += `${csvField(u.username)},${csvField(u.password)},${u.state}\n`;
      if (chunk.length > 64 * 1024) {
        await handle.write(chunk);
        chunk = '';
      }
    }
    await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
