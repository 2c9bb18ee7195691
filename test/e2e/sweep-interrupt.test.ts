import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlanDocument } from '../../src/capacity/plan-document.js';
import type { RunInfo } from '../../src/results/run-info.js';
import type { SweepIndex } from '../../src/results/sweep-index.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// One agent (350/s): the steps pass at 200/s and fail at 700/s, so the knee needs probes; each probe holds 30 s,
// long enough to be interrupted in the middle.
const PROFILE = `
name: e2e-sweep-interrupt
target: { kind: sim, seed: 5 }
users: { generate: 2000 }
agents: { count: 1 }
load:
  workers: 1
  interval: 250ms
  arrivals: uniform
  phases:
    - { name: steps, shape: step, start: 200/s, increment: 500/s, every: 1500ms, until: 700/s }
sweep:
  agentCounts: [1]
  settle: 0s
  refine: { probes: 3, hold: 30s }
`;

async function probeUnderWay(sweep: string): Promise<boolean> {
  const index = await readFile(join(sweep, 'sweep.json'), 'utf8')
    .then((t) => JSON.parse(t) as SweepIndex)
    .catch(() => undefined);
  const probe = index?.runs[0]?.probes?.[0];
  if (!probe) return false;
  const intervals = await readFile(join(sweep, probe.dir, 'intervals.jsonl'), 'utf8').catch(() => '');
  return intervals.split('\n').length > 6;
}

test('Ctrl-C during a knee probe stops the sweep (exit 130), marks the sweep, the probe and its run interrupted, and plan still reads what was measured', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'sweep.yaml');
  await writeFile(profile, PROFILE);
  const sweep = join(dir, 'sweep');
  const child = spawnCli(['run', profile, '--out', sweep, '--quiet']);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Interrupt once the probe has recorded a few intervals (a condition, not a guess at how long that takes).
  for (let i = 0; i < 1200 && !(await probeUnderWay(sweep)); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(await probeUnderWay(sweep), `a probe got under way; stderr: ${stderr}`);
  child.kill('SIGINT');
  const code = await closed;
  assert.equal(code, 130, `exit 130 expected; stderr: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');

  const index = JSON.parse(await readFile(join(sweep, 'sweep.json'), 'utf8')) as SweepIndex;
  assert.equal(index.status, 'interrupted');
  const [count] = index.runs;
  assert.equal(count?.status, 'completed', 'the ramp itself had finished');
  assert.equal(count?.probes?.length, 1, 'no probe was started after the interrupt');
  const probe = count!.probes![0]!;
  assert.equal(probe.status, 'interrupted');
  const info = JSON.parse(await readFile(join(sweep, probe.dir, 'run.json'), 'utf8')) as RunInfo;
  assert.equal(info.status, 'interrupted');
  assert.ok(count?.knee, 'the knee as it stood is recorded');

  const planned = await runCli(['plan', sweep, '--peak', '300/s']);
  assert.ok(planned.code === 0 || planned.code === 1, `plan ran: ${planned.stderr}`);
  const doc = JSON.parse(await readFile(join(sweep, 'plan.json'), 'utf8')) as PlanDocument;
  assert.ok(
    doc.notes.some((n) => /the sweep is interrupted/.test(n)),
    doc.notes.join('\n'),
  );
  assert.ok(
    doc.notes.some((n) => /the run is interrupted/.test(n)),
    'the probe run is marked as such',
  );
  assert.equal(doc.counts[0]?.kneePerS, count?.knee?.kneePerS, 'plan and sweep agree on the knee');
});
