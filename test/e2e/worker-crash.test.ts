import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Summary } from '../../src/analysis/summary.js';
import { readResults } from '../../src/results/reader.js';
import type { RunInfo } from '../../src/results/run-info.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILE = `
name: e2e-worker-crash
target: { kind: sim, seed: 9 }
users: { generate: 200 }
agents: { count: 2 }
load:
  workers: 2
  arrivals: uniform
  phases:
    - { duration: 6s, shape: constant, rate: 100/s }
`;

test('a crashed worker is replaced, its loss is noted, and the run goes on', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'p.yaml'), PROFILE);
  const out = join(dir, 'out');
  const res = await runCli(['run', join(dir, 'p.yaml'), '--out', out, '--quiet'], {
    env: { PTALOAD_FAULT_WORKER_EXIT_MS: '2500' },
  });
  assert.equal(res.code, 0, `the run goes on; stderr: ${res.stderr}`);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunInfo;
  assert.equal(run.status, 'completed');
  const note = run.notes.find((n) => /worker 0 failed/.test(n));
  assert.ok(note, `the failure is noted: ${JSON.stringify(run.notes)}`);
  assert.match(note, /about \d+ scheduled sign-ins/);
  const unanswered = Number(/(\d+) sign-ins it had in flight/.exec(note)?.[1]);
  assert.match(note, /restarted/);

  // After the restart both shares are sent again: the last full intervals carry the whole rate.
  const { intervals } = await readResults(out);
  const late = intervals.filter((i) => i.record.startMs >= 4000 && i.record.endMs - i.record.startMs >= 999);
  assert.ok(late.length >= 1);
  for (const i of late)
    assert.ok(i.record.sent >= 90, `interval at ${i.record.startMs} ms sent ${i.record.sent}`);

  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
  // Every sign-in sent was answered, still in flight at the end, or lost with the worker, exactly.
  assert.equal(
    summary.requests.sent,
    summary.requests.completed + summary.requests.inFlightAtEnd + unanswered,
  );
  assert.ok(summary.requests.sent < 600, 'the lost stretch is missing, not invented');
});
