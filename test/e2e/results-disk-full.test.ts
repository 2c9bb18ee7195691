import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readResults } from '../../src/results/reader.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Results folders on a small tmpfs (a real file system, really full): a disk too full to start on is refused
// before the run, and a disk that fills up mid-run still ends with a truthful run.json (failed, why, how much
// was kept), a folder readable to its last whole interval, and no reserve, temporary file or lock left behind.
// Needs root and mount(8); skipped where tmpfs cannot be mounted. .ci/run runs as root, so CI runs these.
const dir = await tempDir('ptaload-disk-full-');

/** Mounts a tmpfs of `size` at a new folder; undefined when this process may not mount. */
async function mountTmpfs(name: string, size: string): Promise<string | undefined> {
  const mnt = join(dir, name);
  await mkdir(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt], { stdio: 'ignore' });
    return mnt;
  } catch {
    return undefined;
  }
}

// Tests unmount their own tmpfs, before the temporary folder around it is removed.
const probe = await mountTmpfs('probe', '64k');
if (probe) execFileSync('umount', [probe], { stdio: 'ignore' });
const skip = probe ? false : 'cannot mount a tmpfs here (needs root)';

/** Takes every byte left on the file system: writes until ENOSPC, in ever smaller pieces down to one byte. */
async function fillUp(file: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (let piece = 1 << 20; piece >= 1; piece >>= 1) {
      const bytes = Buffer.alloc(piece, 0x5a);
      for (;;) {
        try {
          await handle.write(bytes);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    await handle.close();
  }
}

async function lineCount(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').length - 1;
}

const profile = join(dir, 'fill.yaml');
await writeFile(
  profile,
  'name: fill\ntarget: { kind: sim, seed: 3 }\nusers: { generate: 50 }\nagents: { count: 2 }\nload: { workers: 1, interval: 200ms, phases: [{ duration: 60s, shape: constant, rate: 100/s }] }\n',
);
const LEFTOVER = /\.tmp-\d+$|^\.ptaload\.(lock|reserve)$/;

test('a disk too full for the space reserve: refused before the run, exit 2 naming the folder, ENOSPC and the fix', {
  skip,
}, async () => {
  const mnt = (await mountTmpfs('small', '64k'))!;
  let res: Awaited<ReturnType<typeof runCli>>;
  let left: string[];
  const out = join(mnt, 'out');
  try {
    await writeFile(join(mnt, 'filler'), Buffer.alloc(30_000));
    res = await runCli(['run', profile, '--out', out, '--quiet'], { timeoutMs: 60_000 });
    left = await readdir(out);
  } finally {
    execFileSync('umount', [mnt], { stdio: 'ignore' });
  }
  assert.equal(res.code, 2, `exit 2 expected; stderr: ${res.stderr}`);
  assert.match(
    res.stderr,
    new RegExp(
      `${out}: cannot write ${out}/\\.ptaload\\.reserve \\(ENOSPC\\): the disk is full: free space there or choose another --out`,
    ),
  );
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(res.stderr, /internal error/);
  assert.deepEqual(left, [], 'nothing written: no run.json claiming a run, no reserve, no lock');
});

test('a disk that fills up mid-run: exit 2, run.json failed naming ENOSPC and the folder with what was kept; report reads it', {
  skip,
}, async () => {
  const mnt = (await mountTmpfs('fills', '4m'))!;
  const out = join(mnt, 'out');
  let res: Awaited<ReturnType<typeof runCli>>;
  let left: string[];
  let files: Map<string, string>;
  let report: Awaited<ReturnType<typeof runCli>>;
  let back: Awaited<ReturnType<typeof readResults>>;
  try {
    const running = runCli(['run', profile, '--out', out, '--quiet'], { timeoutMs: 120_000 });
    let ended = false;
    void running.then(() => {
      ended = true;
    });
    // Once the run has written a few intervals, every byte left on the disk goes to a filler file.
    while (!ended && (await lineCount(join(out, 'intervals.jsonl'))) < 5) await sleep(50);
    assert.ok(!ended, 'the run was still going when the disk filled');
    await fillUp(join(mnt, 'filler'));
    res = await running;
    left = await readdir(out);
    files = new Map();
    for (const f of left) files.set(f, await readFile(join(out, f), 'utf8'));
    back = await readResults(out);
    // The user frees space, then rebuilds the reports from what the folder holds.
    await rm(join(mnt, 'filler'));
    report = await runCli(['report', out], { timeoutMs: 60_000 });
  } finally {
    execFileSync('umount', [mnt], { stdio: 'ignore' });
  }

  assert.equal(res.code, 2, `exit 2 expected; stderr: ${res.stderr}`);
  const told = new RegExp(
    `${out}: cannot write ${out}/\\S+ \\(ENOSPC\\): the disk is full: free space there or choose another --out\\. The run was stopped there: (\\d+) intervals \\(the first [\\d.]+ s\\) had been recorded before it, and are kept\\.`,
  );
  const said = told.exec(res.stderr);
  assert.ok(said, res.stderr);
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(res.stderr, /internal error/);
  assert.deepEqual(
    left.filter((f) => LEFTOVER.test(f)),
    [],
    `no reserve, temporary file or lock left: ${left.join(', ')}`,
  );

  const run = JSON.parse(files.get('run.json')!);
  assert.equal(run.status, 'failed');
  assert.equal(run.failure.code, 'RESULTS_INVALID');
  assert.match(run.failure.message, told, 'run.json tells what the console did');
  assert.ok(run.endedAt, 'endedAt written');

  // Each file ends at a whole line: the interval the full disk cut short was taken back from every file.
  for (const f of ['intervals.hlog', 'intervals.jsonl', 'timeseries.csv', 'agents.csv', 'correlation.csv']) {
    assert.ok(files.get(f)!.endsWith('\n'), `${f} ends with a complete line`);
  }
  const kept = Number(said[1]);
  assert.ok(kept >= 5, `at least the 5 intervals seen before the fill are kept (${kept})`);
  assert.equal(back.run.status, 'failed');
  assert.equal(back.intervals.length, kept, 'as many intervals readable as run.json says were kept');
  assert.deepEqual(
    back.notes.filter((n) => /incomplete|without a record/.test(n)),
    [],
    'no cut line, no histograms without their record',
  );
  // The reports of the run itself were written too, in the space the reserve gave back.
  assert.equal(JSON.parse(files.get('summary.json')!).status, 'failed');

  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /^fill: failed, /m);
  assert.match(report.stdout, /The run failed after [\d.]+ s: RESULTS_INVALID: .*\(ENOSPC\)/);
});
