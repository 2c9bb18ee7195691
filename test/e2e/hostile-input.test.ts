import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
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
