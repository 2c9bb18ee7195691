import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { UsersError } from '../../src/errors.js';
import { readUsersFile, writeUsersCsv } from '../../src/users/csv.js';
import { generateUsers } from '../../src/users/generate.js';

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ptaload-users-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(text: string): Promise<string> {
  const path = join(dir, `u${n++}.csv`);
  await writeFile(path, text);
  return path;
}

/** Reads `text` as a users file, expecting a UsersError; returns its message. */
async function refused(text: string): Promise<{ message: string; path: string }> {
  const path = await file(text);
  try {
    await readUsersFile(path);
  } catch (err) {
    assert.ok(err instanceof UsersError, `expected UsersError, got ${String(err)}`);
    return { message: err.message, path };
  }
  return assert.fail('the file should have been refused');
}

test('rows with or without a header, states optional, quoted passwords kept exactly', async () => {
  const users = await readUsersFile(
    await file(
      'username,password,state\r\na@contoso.test,Pa55word!,disabled\n\nb@contoso.test,"with,comma ""and quote""",\nc@contoso.test,in side,MFA\n',
    ),
  );
  assert.deepEqual(users, [
    { username: 'a@contoso.test', password: 'Pa55word!', state: 'disabled' },
    { username: 'b@contoso.test', password: 'with,comma "and quote"', state: 'active' },
    { username: 'c@contoso.test', password: 'in side', state: 'mfa' },
  ]);
  const headerless = await readUsersFile(await file('x@contoso.test,pw1\ny@contoso.test,pw2,expired\n'));
  assert.deepEqual(
    headerless.map((u) => u.state),
    ['active', 'expired'],
  );
});

test('what we write reads back identically, is private to the owner, and is not overwritten without force', async () => {
  const path = join(dir, 'round.csv');
  const users = [
    ...generateUsers({ count: 20, domain: 'contoso.test', seed: 2, states: { mfa: 0.1 } }),
    { username: 'odd@contoso.test', password: 'has,comma"quote', state: 'active' as const },
  ];
  await writeUsersCsv(path, users);
  assert.deepEqual(await readUsersFile(path), users);
  assert.equal((await stat(path)).mode & 0o077, 0, 'no group/other access to a file of passwords');
  const before = await readFile(path, 'utf8');
  await assert.rejects(writeUsersCsv(path, users.slice(0, 1)), (err: unknown) => {
    assert.ok(err instanceof UsersError);
    assert.match(err.message, /already exists; use --force to overwrite it/);
    return true;
  });
  assert.equal(await readFile(path, 'utf8'), before, 'the refused write changed nothing');
  await writeUsersCsv(path, users.slice(0, 1), { force: true });
  assert.equal((await readUsersFile(path)).length, 1);
});

test('bad rows name file:line and the fix, never the password', async () => {
  const secret = 'Sup3rS3cret!';
  const cases: [string, RegExp][] = [
    [`a@contoso.test,${secret}\nb@contoso.test\n`, /:2: expected 2 or 3 columns, got 1/],
    [
      `a@contoso.test,${secret}\nb@contoso.test,${secret},active,extra\n`,
      /:2: expected 2 or 3 columns, got 4\..*Quote a password/,
    ],
    [`username,password\na@contoso.test,\n`, /:2: user 'a@contoso\.test' has no password/],
    [
      `a@contoso.test,${secret},locked\n`,
      /:1: unknown state in column 3 for user 'a@contoso\.test'; use one of active, disabled, expired, mfa/,
    ],
    [`a@contoso.test,x${secret},y\n`, /:1: unknown state/],
    [`nobody,${secret}\n`, /:1: the username must be a user principal name like user@contoso\.test/],
    [`,${secret}\n`, /:1: the username is empty/],
    [
      `username,pass\na@contoso.test,${secret}\n`,
      /:1: the header row must be 'username,password' or 'username,password,state'/,
    ],
    [`a@contoso.test,"${secret}\n`, /:1: a quoted field is never closed/],
    [
      `a@contoso.test,${secret}\nb@contoso.test," ${secret}"\n`,
      /:2: the password of user 'b@contoso\.test' starts or ends with whitespace.*ROPC/,
    ],
    [
      `a@contoso.test,${secret}\t,active\n`,
      /:1: the password of user 'a@contoso\.test' starts or ends with whitespace/,
    ],
  ];
  for (const [text, re] of cases) {
    const { message, path } = await refused(text);
    assert.match(message, re);
    assert.ok(message.startsWith(path), `names the file: ${message}`);
    assert.ok(!message.includes(secret), `no password in: ${message}`);
  }
});

test('duplicate usernames (any case) name both lines', async () => {
  const { message } = await refused(
    'username,password\na@contoso.test,p1\nb@contoso.test,p2\n\nA@Contoso.test,p3\n',
  );
  assert.match(message, /:5: duplicate username 'A@Contoso\.test' \(first seen on line 2\)/);
});

test('empty and unreadable files are explained', async () => {
  assert.match((await refused('')).message, /no users in the file.*ptaload users generate/);
  assert.match((await refused('username,password,state\n\n')).message, /no users in the file/);
  await assert.rejects(
    readUsersFile(join(dir, 'missing.csv')),
    /cannot read users file .*missing\.csv: no such file/,
  );
  await assert.rejects(readUsersFile(dir), /it is a folder, not a file/);
  if (process.getuid?.() !== 0) {
    const locked = await file('a@contoso.test,pw\n');
    await chmod(locked, 0o000);
    await assert.rejects(readUsersFile(locked), /permission denied/);
  }
});

test('a large file streams through', async () => {
  const users = generateUsers({ count: 50_000, domain: 'contoso.test', seed: 9 });
  const path = join(dir, 'big.csv');
  await writeUsersCsv(path, users);
  const back = await readUsersFile(path);
  assert.equal(back.length, users.length);
  assert.deepEqual(back.at(-1), users.at(-1));
});
