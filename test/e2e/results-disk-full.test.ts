import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A results folder on a disk that fills up during the run (a small tmpfs, nearly full): a clear
// one-paragraph error naming the folder, the errno and the fix, exit 2, no stack trace, no internal error,
// and no temporary file or lock left behind. Needs root and mount(8); skipped where tmpfs cannot be mounted.
const dir = await tempDir('ptaload-disk-full-');
const mnt = join(dir, 'small');
await mkdir(mnt);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'ignore' });
  mounted = true;
} catch {
  // Not root, or no CAP_SYS_ADMIN in this container: the test below is skipped.
  // (When mounted, the test unmounts it itself, before the temporary folder around it is removed.)
}

test('a disk that fills during the run: exit 2 naming the folder, ENOSPC and the fix; no .tmp or lock left', {
  skip: mounted ? false : 'cannot mount a tmpfs here',
}, async () => {
  // About 30 KB of 64 KB taken: the folder is created, the first intervals' lines fill the rest.
  await writeFile(join(mnt, 'filler'), Buffer.alloc(30_000));
  const profile = join(dir, 'fill.yaml');
  await writeFile(
    profile,
    'name: fill\ntarget: { kind: sim, seed: 3 }\nusers: { generate: 50 }\nagents: { count: 2 }\nload: { workers: 1, interval: 200ms, phases: [{ duration: 20s, shape: constant, rate: 100/s }] }\n',
  );
  const out = join(mnt, 'out');
  let res: Awaited<ReturnType<typeof runCli>>;
  let left: string[];
  try {
    res = await runCli(['run', profile, '--out', out, '--quiet'], { timeoutMs: 60_000 });
    left = await readdir(out);
  } finally {
    // Unmounted here, before the temporary folder around it is removed.
    execFileSync('umount', [mnt], { stdio: 'ignore' });
  }
  assert.equal(res.code, 2, `exit 2 expected; stderr: ${res.stderr}`);
  assert.match(
    res.stderr,
    new RegExp(
      `${out}: cannot write ${out}/\\S+ \\(ENOSPC\\): the disk is full: free space there or choose another --out`,
    ),
  );
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(res.stderr, /internal error/);
  assert.deepEqual(
    left.filter((f) => /\.tmp-\d+$/.test(f) || f === '.ptaload.lock'),
    [],
    left.join(', '),
  );
});
