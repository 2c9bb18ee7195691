import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readUsersFile } from '../../src/users/csv.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ptaload-users-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('users generate writes the CSV and prints only the count and path', async () => {
  const out = join(dir, 'users.csv');
  const r = await runCli(['users', 'generate', '--count', '25', '--domain', 'contoso.test', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `wrote 25 users to ${out}\n`);
  assert.equal(r.stderr, '');
  const users = await readUsersFile(out);
  assert.equal(users.length, 25);
  assert.equal(users[0]!.username, 'loadtest00001@contoso.test');
  for (const u of users) assert.ok(!r.stdout.includes(u.password) && !r.stderr.includes(u.password));
  assert.equal((await stat(out)).mode & 0o077, 0, 'only the owner can read it');
});

test('without --seed two files differ; with the same --seed they are identical', async () => {
  const gen = (name: string, extra: string[] = []) =>
    runCli([
      'users',
      'generate',
      '--count',
      '5',
      '--domain',
      'contoso.test',
      '--out',
      join(dir, name),
      ...extra,
    ]);
  await Promise.all([
    gen('r1.csv'),
    gen('r2.csv'),
    gen('s1.csv', ['--seed', 'abc']),
    gen('s2.csv', ['--seed', 'abc']),
  ]);
  const text = (name: string) => readFile(join(dir, name), 'utf8');
  assert.notEqual(await text('r1.csv'), await text('r2.csv'));
  assert.equal(await text('s1.csv'), await text('s2.csv'));
});

test('an existing file is not overwritten without --force', async () => {
  const out = join(dir, 'keep.csv');
  await writeFile(out, 'precious\n');
  const refused = await runCli([
    'users',
    'generate',
    '--count',
    '3',
    '--domain',
    'contoso.test',
    '--out',
    out,
  ]);
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr, `ptaload: ${out} already exists; use --force to overwrite it.\n`);
  assert.equal(await readFile(out, 'utf8'), 'precious\n');
  const forced = await runCli([
    'users',
    'generate',
    '--count',
    '3',
    '--domain',
    'contoso.test',
    '--out',
    out,
    '--force',
  ]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal((await readUsersFile(out)).length, 3);
});

test('bad flags exit 2 with a clear message and no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['users', 'generate', '--count', 'ten', '--domain', 'contoso.test', '--out', join(dir, 'x.csv')],
      /--count takes a whole number/,
    ],
    [
      ['users', 'generate', '--count', '3', '--domain', 'not a domain', '--out', join(dir, 'x.csv')],
      /domain must be a DNS domain/,
    ],
    [
      ['users', 'generate', '--count', '3', '--domain', 'contoso.test'],
      /required option '--out <file>' not specified/,
    ],
    [
      [
        'users',
        'generate',
        '--count',
        '3',
        '--domain',
        'contoso.test',
        '--out',
        join(dir, 'no', 'such', 'x.csv'),
      ],
      /cannot write .*: its folder does not exist/,
    ],
    [
      [
        'users',
        'generate',
        '--count',
        '3',
        '--domain',
        'contoso.test',
        '--out',
        join(dir, 'x.csv'),
        '--bogus',
      ],
      /unknown option '--bogus'/,
    ],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  for (const [i, [args, re]] of cases.entries()) {
    const r = results[i]!;
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
