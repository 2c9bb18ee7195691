import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

function assertCleanFailure(res: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(res.code, 2, `exit 2 expected; stderr: ${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(res.stderr, /internal error/);
}

test('run: a profile with a schema error names the file and field, exit 2', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'broken.yaml');
  await writeFile(
    profile,
    'name: broken\nload:\n  phases:\n    - { duration: 5s, shape: constant, rate: 200 per second }\n',
  );
  const res = await runCli(['run', profile, '--out', join(dir, 'out'), '--quiet']);
  assertCleanFailure(res, /broken\.yaml.*phases\[0\]\.rate/);
});

test('run: a users CSV with a bad row names the file and line, exit 2, no password echoed', async () => {
  const dir = await tempDir();
  await writeFile(
    join(dir, 'users.csv'),
    'username,password\nalice@contoso.test,S3cret-Alpha!x\nbob@contoso.test\ncarol@contoso.test,S3cret-Carol!x\n',
  );
  const profile = join(dir, 'p.yaml');
  await writeFile(
    profile,
    'name: csv\nusers: { file: users.csv }\nload:\n  phases:\n    - { duration: 2s, shape: constant, rate: 10/s }\n',
  );
  const res = await runCli(['run', profile, '--out', join(dir, 'out'), '--quiet']);
  assertCleanFailure(res, /users\.csv:3/);
  assert.doesNotMatch(res.stderr, /S3cret/);
});

test('run: an unknown flag is a usage error, exit 2', async () => {
  const res = await runCli(['run', '--no-such-flag']);
  assertCleanFailure(res, /unknown option '--no-such-flag'/);
});

test('run: a profile that does not exist, exit 2', async () => {
  const res = await runCli(['run', 'profiles/does-not-exist.yaml']);
  assertCleanFailure(res, /does-not-exist\.yaml/);
});

test('run: a malformed --shard is refused before anything starts, exit 2', async () => {
  const res = await runCli(['run', 'profiles/smoke.yaml', '--shard', '3/2']);
  assertCleanFailure(res, /--shard/);
});
