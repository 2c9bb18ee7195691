import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A run killed (kill -9) before its first interval ended leaves run.json "running" and an empty
// intervals.jsonl. `report` on that folder keeps the run's status and says no interval was recorded,
// instead of a summary of zero counts that reads like a finished run.
const dir = await tempDir('ptaload-report-empty-');

test('report on a run killed before its first interval: status kept, "no interval was recorded" said', async () => {
  const profile = join(dir, 'slow-interval.yaml');
  await writeFile(
    profile,
    'name: killed-early\ntarget: { kind: sim, seed: 3 }\nusers: { generate: 50 }\nagents: { count: 2 }\nload: { workers: 1, interval: 60s, phases: [{ duration: 120s, shape: constant, rate: 5/s }] }\n',
  );
  const out = join(dir, 'out');
  // The simulator child notices its parent is gone and exits by itself (test/e2e/sim-child.test.ts).
  const cli = spawnCli(['run', profile, '--out', out, '--quiet']);
  const closed = new Promise<void>((resolve) => cli.once('close', () => resolve()));
  // Wait (bounded) until the results folder is open and the run is sending.
  for (let i = 0; i < 300; i++) {
    const run = await readFile(join(out, 'run.json'), 'utf8').catch(() => '');
    if (run.includes('"running"') && (await stat(join(out, 'intervals.jsonl')).catch(() => null))) break;
    await sleep(100);
  }
  await sleep(1000);
  cli.kill('SIGKILL');
  await closed;
  assert.equal((await readFile(join(out, 'intervals.jsonl'), 'utf8')).trim(), '', 'no interval ended');

  const res = await runCli(['report', out], { timeoutMs: 60_000 });
  assert.equal(res.code, 0, res.stderr);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'running', 'the status run.json holds, not "completed"');
  assert.equal(summary.intervals, 0);
  assert.ok(
    summary.notes.some((n: string) => /No interval was recorded \(intervals\.jsonl is empty\)/.test(n)),
    JSON.stringify(summary.notes),
  );
  assert.match(await readFile(join(out, 'report.md'), 'utf8'), /No interval was recorded/);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'running', 'report does not rewrite run.json');
});
