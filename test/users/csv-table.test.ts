import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserTable } from '../../src/load/worker/user-table.js';
import { readUsersFile } from '../../src/users/csv.js';
import { readUsersTable } from '../../src/users/csv-table.js';
import { generateUserColumns } from '../../src/users/generate.js';
import { buildUserTable, type UserTableData } from '../../src/users/user-table.js';

const dir = await mkdtemp(join(tmpdir(), 'ptaload-csvtable-'));
after(() => rm(dir, { recursive: true, force: true }));
/** Rows in the big file (PTALOAD_TEST_CSV_ROWS to change; a million by default, as the issue asks). */
const ROWS = Number(process.env.PTALOAD_TEST_CSV_ROWS ?? 1_000_000);

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

function tails(table: UserTable, rows: readonly number[]): string[] {
  return rows.map((i) => {
    const b = Buffer.alloc(table.tailLength(i));
    table.copyTail(i, b, 0);
    return b.toString('latin1');
  });
}

/** The bytes and offsets a table actually uses (its buffers may be sized for more). */
function used(t: UserTableData) {
  const end = new Uint32Array(t.offsets)[t.count]!;
  return {
    count: t.count,
    bytes: Buffer.from(t.bytes, 0, end).toString('latin1'),
    offsets: [...new Uint32Array(t.offsets, 0, t.count + 1)],
    nameEnds: [...new Uint32Array(t.nameEnds, 0, t.count)],
  };
}

test(`a ${ROWS}-row users CSV gives the same shared table as the old path, for sampled rows`, async () => {
  const users = generateUserColumns({ count: ROWS, domain: 'contoso.test', seed: 5, states: { mfa: 0.1 } });
  const lines = ['username,password,state'];
  for (let i = 0; i < users.count; i++)
    lines.push(`${users.username(i)},${users.password(i)},${users.state(i)}`);
  // Odd but plain rows the fast path must encode byte for byte as the old one: UTF-8, spaces, '+', '%', '&', CRLF.
  lines.push('jörg.müller@contoso.test,Pässwörd 1+2%&=ü,active\r', 'zoë@contoso.test,日本語-パス,EXPIRED');
  const big = await file('big.csv', `\uFEFF${lines.join('\n')}\n\n`);
  const fast = new UserTable(await readUsersTable(big));
  assert.equal(fast.count, ROWS + 2);
  const rows = [0, 1, ROWS - 1, ROWS, ROWS + 1];
  for (let k = 1; k < 40; k++) rows.push(Math.floor((k * ROWS) / 40) + k);
  // The old path (csv-parse into objects, then the table from objects) on just the sampled rows.
  const sample = await file('sample.csv', `${rows.map((i) => lines[i + 1]).join('\n')}\n`);
  const old = new UserTable(buildUserTable(await readUsersFile(sample)));
  assert.deepEqual(
    tails(fast, rows),
    tails(
      old,
      rows.map((_, k) => k),
    ),
  );
  assert.equal(fast.username(ROWS), 'jörg.müller@contoso.test');
});

test('rows read from the bytes and rows read as text give the table the full reader gives, in file order', async () => {
  const rows = [
    'ann@contoso.test,Pa55@word!,MFA', // '@' in the password, a state in capitals
    'Bo@Contoso.test,x,', // an empty state is active
    'cy@contoso.test,with space inside,disabled', // a space: read as text
    'dé@contoso.test,Pässwort-1,ca-blocked', // not ASCII: read as text
    'eve@contoso.test,p~!#%^&*()_+=-{}[]|:;<>.?/,Ca-Blocked',
    'fay@contoso.test,tab\tinside', // a control byte: as text
  ];
  for (const lead of ['', 'username,password,state\n', '\uFEFFUsername,Password,State\r\n']) {
    const path = await file('mixed.csv', `${lead}${rows.join('\r\n')}\n\n`);
    assert.deepEqual(used(await readUsersTable(path)), used(buildUserTable(await readUsersFile(path))));
  }
  // Refused rows the byte path must not take: the full reader refuses them with its own words.
  for (const [bad, why] of [
    ['two@at@contoso.test,pw', /one '@'/],
    ['@contoso.test,pw', /one '@'/],
    ['nobody@,pw', /one '@'/],
    ['a@contoso.test,pw,sleepy', /unknown state/],
    ['a@contoso.test,pw,active,extra', /expected 2 or 3 columns/],
    ['a@contoso.test,', /has no password/],
  ] as const) {
    const path = await file('refused.csv', `ok@contoso.test,pw\n${bad}\n`);
    await assert.rejects(readUsersTable(path), why, bad);
  }
});

test('a file the fast path does not handle (quotes) reads exactly as the full reader reads it', async () => {
  const path = await file(
    'quoted.csv',
    'username,password\nann@contoso.test,"a,b""c"\nbo@contoso.test,plain-Pass1\n',
  );
  const table = await readUsersTable(path);
  const full = buildUserTable(await readUsersFile(path));
  assert.equal(table.count, 2);
  assert.deepEqual(used(table), used(full));
  assert.deepEqual(tails(new UserTable(table), [0]), ['ann%40contoso.test&password=a%2Cb%22c']);
});

test("refusals keep the full reader's wording: a duplicate names both lines, a bad state names its line", async () => {
  const dup = await file('dup.csv', 'a@contoso.test,Pass-1\nb@contoso.test,Pass-2\nA@Contoso.test,Pass-3\n');
  await assert.rejects(
    readUsersTable(dup),
    /dup\.csv:3: duplicate username 'A@Contoso\.test' \(first seen on line 1\)/,
  );
  const bad = await file('bad.csv', 'a@contoso.test,Pass-1\nb@contoso.test,Pass-2,sleepy\n');
  await assert.rejects(readUsersTable(bad), (err: Error) => {
    assert.match(err.message, /bad\.csv:2: unknown state/);
    assert.doesNotMatch(err.message, /Pass-2/, 'no password in the message');
    return true;
  });
  await assert.rejects(
    readUsersTable(dir),
    /it is a folder, not a file/,
    'a fault reading it: the full reader words it',
  );
  const empty = await file('empty.csv', 'username,password\n');
  await assert.rejects(readUsersTable(empty), /no users in the file/);
});
