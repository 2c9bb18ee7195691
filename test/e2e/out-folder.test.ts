import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// --out at an earlier results folder is refused (exit 2) unless --overwrite says so, and a folder another
// live ptaload is writing (its lock file holds that pid) is refused even then; a dead pid's lock is taken over.
const dir = await tempDir('ptaload-out-folder-');
const profile = join(dir, 'short.yaml');
await writeFile(
  profile,
  'name: short\ntarget: { kind: sim, seed: 3 }\nusers: { generate: 20 }\nagents: { count: 1 }\nload: { workers: 1, interval: 500ms, phases: [{ duration: 1s, shape: constant, rate: 5/s }] }\n',
);
const run = (out: string, ...more: string[]) =>
  runCli(['run', profile, '--out', out, '--quiet', ...more], { timeoutMs: 60_000 });

function assertRefused(res: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(res.code, 2, `exit 2 expected; stderr: ${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
}

test('an earlier results folder is kept unless --overwrite; the lock is gone after a run', async () => {
  const out = join(dir, 'earlier');
  assert.equal((await run(out)).code, 0);
  const first = await readFile(join(out, 'run.json'), 'utf8');
  assert.ok(!(await readdir(out)).includes('.ptaload.lock'), 'the lock is given back at the end');
  assert.ok(!(await readdir(out)).includes('.ptaload.reserve'), 'the space reserve is spent on run.json');

  const again = await run(out);
  assertRefused(again, new RegExp(`${out}: already holds the results of an earlier run .*add --overwrite`));
  assert.equal(await readFile(join(out, 'run.json'), 'utf8'), first, 'the earlier run is untouched');

  const replaced = await run(out, '--overwrite');
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.notEqual(await readFile(join(out, 'run.json'), 'utf8'), first, 'replaced when asked');
});

test("a folder a live ptaload is writing is refused, even with --overwrite; a dead one's lock is taken over", async () => {
  const out = join(dir, 'locked');
  assert.equal((await run(out)).code, 0);
  // A live process that is not this one holds the lock.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    await writeFile(join(out, '.ptaload.lock'), `${holder.pid}\n`);
    const res = await run(out, '--overwrite');
    assertRefused(res, new RegExp(`another ptaload \\(pid ${holder.pid}\\) is writing this results folder`));
  } finally {
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('close', resolve));
  }
  // The holder is dead now: its lock is stale and taken over.
  const res = await run(out, '--overwrite');
  assert.equal(res.code, 0, res.stderr);
  assert.ok(!(await readdir(out)).includes('.ptaload.lock'));
});

test('merge --out refuses an earlier folder unless --overwrite', async () => {
  const shards = [join(dir, 's1'), join(dir, 's2')];
  for (const [i, s] of shards.entries())
    assert.equal((await run(s, '--shard', `${i}/2`, '--run-id', 'm1')).code, 0);
  const out = join(dir, 'merged');
  const merge = (...more: string[]) =>
    runCli(['merge', ...shards, '--out', out, '--force', ...more], { timeoutMs: 60_000 });
  assert.equal((await merge()).code, 0);
  assertRefused(await merge(), /already holds the results of an earlier run .*--overwrite/);
  assert.equal((await merge('--overwrite')).code, 0);
});
