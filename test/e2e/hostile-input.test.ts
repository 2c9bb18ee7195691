import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Input a careless or hostile user might give: each is refused at the edge with exit 2 and a message
// naming the file and field, in bounded time, never with a stack trace or an "internal error".
const dir = await tempDir('ptaload-hostile-input-');

function assertRefused(res: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.notEqual(res.code, null, `the CLI had to be killed; stderr: ${res.stderr}`);
  assert.equal(res.code, 2, `exit 2 expected; stderr: ${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(res.stderr, /internal error/);
}

test('an absurd rate (1000000000/s) is refused by validation, not run for ever', async () => {
  const profile = join(dir, 'absurd-rate.yaml');
  await writeFile(
    profile,
    'name: absurd\ntarget: { kind: sim }\nusers: { generate: 10 }\nload: { phases: [{ duration: 2s, shape: constant, rate: 1000000000/s }] }\n',
  );
  const res = await runCli(['run', profile, '--out', join(dir, 'absurd-out'), '--quiet'], {
    timeoutMs: 60_000,
  });
  assertRefused(res, /absurd-rate\.yaml:4: load\.phases\[0\]\.rate: must be .*at most 100000\/s.*16000\/s/);
  const validate = await runCli(['validate', profile], { timeoutMs: 60_000 });
  assertRefused(validate, /at most 100000\/s/);
});

test('a profile with 80,000 keys in one map is read in linear time: a clear schema error, not minutes of CPU', async () => {
  const profile = join(dir, 'many-keys.yaml');
  const keys = Array.from({ length: 80_000 }, (_, i) => `k${i}: 0`).join(', ');
  await writeFile(
    profile,
    `name: many\ntarget: { kind: sim }\nusers: { generate: 10 }\nload: { phases: [{ duration: 1s, shape: constant, rate: 1/s }] }\nextra: { ${keys} }\n`,
  );
  // Quadratic duplicate-key checking took about a minute for 80,000 keys; linear takes a second or two.
  const res = await runCli(['validate', profile], { timeoutMs: 45_000 });
  assertRefused(res, /many-keys\.yaml:5: .*extra/);
  const dup = join(dir, 'dup-far.yaml');
  await writeFile(dup, `name: a\nextra: { ${keys}, k7: 1 }\n`);
  assertRefused(
    await runCli(['validate', dup], { timeoutMs: 45_000 }),
    /dup-far\.yaml:2: .*'k7' is given twice/,
  );
});

test('a 50 MB profile is refused at once for its size', async () => {
  const profile = join(dir, 'huge.yaml');
  await writeFile(profile, `name: huge\n# ${'x'.repeat(50 * 1024 * 1024)}\n`);
  const res = await runCli(['validate', profile], { timeoutMs: 45_000 });
  assertRefused(res, /huge\.yaml: 51200 KB is far too big for a profile/);
});

test('a YAML alias bomb is bad input (exit 2, a clear message), not an internal error', async () => {
  const profile = join(dir, 'bomb.yaml');
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  await writeFile(profile, `name: bomb\nextra:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
  const res = await runCli(['validate', profile], { timeoutMs: 45_000 });
  assertRefused(res, /bomb\.yaml: the YAML expands its aliases .*alias bomb/);
});

test('merge refuses one results folder given twice, sharded or not (exit 2): it would double every count', async () => {
  const shard = join(ROOT, 'test/fixtures/results-0.1.0/shard-0');
  const plain = join(ROOT, 'test/fixtures/results-0.1.0/sweep');
  const twice = await runCli(['merge', shard, `${shard}/`, '--out', join(dir, 'merged-twice')]);
  assertRefused(twice, /(same run|same shard was given twice)/);
  const one = join(plain, (await readdir(plain)).find((f) => !f.includes('.'))!);
  const same = await runCli(['merge', one, `${one}/`, '--out', join(dir, 'merged-same')]);
  assertRefused(same, /are the same run .*given twice/);
});

test('a users CSV that is not UTF-8, or holds a NUL byte, is refused naming the line (no password echoed)', async () => {
  const profile = join(dir, 'csv-enc.yaml');
  await writeFile(
    profile,
    'name: enc\ntarget: { kind: sim }\nusers: { file: users-enc.csv }\nload: { phases: [{ duration: 1s, shape: constant, rate: 1/s }] }\n',
  );
  // Windows-1252: "é" is the single byte 0xE9, which is not UTF-8.
  const latin1 = Buffer.concat([
    Buffer.from('username,password\nalice@contoso.test,S3cret-Alpha!x\nbob@contoso.test,Caf'),
    Buffer.from([0xe9]),
    Buffer.from('-S3cret!x\n'),
  ]);
  await writeFile(join(dir, 'users-enc.csv'), latin1);
  const res = await runCli(['run', profile, '--out', join(dir, 'enc-out'), '--quiet']);
  assertRefused(res, /users-enc\.csv:3: not UTF-8 text .*Save the file as UTF-8/);
  assert.doesNotMatch(res.stderr, /S3cret/);
  await writeFile(
    join(dir, 'users-enc.csv'),
    Buffer.from('username,password\nalice@contoso.test,S3cret\u0000x\n'),
  );
  const nul = await runCli(['run', profile, '--out', join(dir, 'nul-out'), '--quiet']);
  assertRefused(nul, /users-enc\.csv:2: a NUL byte: this is not a text CSV/);
  assert.doesNotMatch(nul.stderr, /S3cret/);
});
