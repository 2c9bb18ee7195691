import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlanDocument } from '../../src/capacity/plan-document.js';
import type { SweepIndex } from '../../src/results/sweep-index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

test('plan reads the knee probes sweep.json lists with their count, and leaves out a probe that wrote nothing', async () => {
  const dir = await tempDir();
  const sweep = join(dir, 'sweep');
  await cp(join(ROOT, 'test', 'fixtures', 'results-0.1.0', 'sweep'), sweep, { recursive: true });
  // A probe that ran (a copy of the 1-agent ramp stands in for its folder) and one the sweep stopped before it began.
  await cp(join(sweep, 'agents-01'), join(sweep, 'agents-01-probe-1'), { recursive: true });
  const index = JSON.parse(await readFile(join(sweep, 'sweep.json'), 'utf8')) as SweepIndex;
  const probe = { lowerPerS: 30, upperPerS: 50, status: 'completed' as const };
  index.runs[0]!.probes = [
    { ...probe, dir: 'agents-01-probe-1', targetPerS: 40, verdict: 'pass' },
    { ...probe, dir: 'agents-01-probe-2', targetPerS: 45, status: 'running' },
  ];
  await writeFile(join(sweep, 'sweep.json'), JSON.stringify(index));

  const res = await runCli(['plan', sweep, '--peak', '30/s', '--json']);
  assert.equal(res.code, 0, res.stderr);
  const doc = JSON.parse(await readFile(join(sweep, 'plan.json'), 'utf8')) as PlanDocument;
  const one = doc.sources.filter((s) => s.agents === 1);
  assert.deepEqual(
    one.map((s) => [s.dir.split('/').pop(), s.probePerS]),
    [
      ['agents-01', undefined],
      ['agents-01-probe-1', 40],
    ],
  );
  assert.ok(
    doc.notes.some((n) => /agents-01-probe-2: the knee probe at 45\/s wrote no results/.test(n)),
    doc.notes.join('\n'),
  );
  assert.ok(doc.notes.some((n) => /1 agent\(s\): the knee was refined by 1 probe\(s\) at 40\/s/.test(n)));
  // The 2-agent count had no probes: one source, no probe note.
  assert.equal(doc.sources.filter((s) => s.agents === 2).length, 1);

  // The evidence says which run each step was played in, where a count has more than one.
  const one1 = doc.counts.find((c) => c.agents === 1)!;
  assert.deepEqual(new Set(one1.stepRuns), new Set([0, 1]), 'steps of both the ramp and the probe');
  const md = await readFile(join(sweep, 'plan.md'), 'utf8');
  const section = (n: number) => md.split(`### ${n} agent(s)`)[1]!.split('###')[0]!;
  assert.match(section(1), /^\| Run \| Target \|/m);
  assert.match(section(1), /^\| `agents-01-probe-1` \|/m);
  assert.match(section(2), /^\| Target \|/m, 'one run: no Run column');
  const html = await readFile(join(sweep, 'plan.html'), 'utf8');
  assert.ok(html.includes('<code>agents-01-probe-1</code>'));
});
