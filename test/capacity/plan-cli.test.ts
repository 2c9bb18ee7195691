import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlanDocument } from '../../src/capacity/plan-document.js';
import { EXIT } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeStepRun, writeSweep } from './plan-cli-fixture.js';

const LINEAR = [1, 2, 3].map((agents) => ({ agents, kneePerS: 300 * agents }));

function noStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
  assert.equal(stderr.trim().split('\n').length, 1, `one paragraph: ${stderr}`);
}

test('`ptaload plan <sweep>` writes plan.json, plan.md and plan.html into the sweep folder and says how many agents', async () => {
  const dir = await tempDir();
  await writeSweep(dir, LINEAR);
  const res = await runCli(['plan', dir, '--peak', '1200/s', '--redundancy', 'N+2', '--headroom', '0%']);
  assert.equal(res.code, EXIT.ok, res.stderr);
  // 300/s per agent, scaling linearly: 1200/s needs 4 serving, + 2 spare.
  assert.match(res.stdout, /At 1,200 sign-ins\/s peak you need 6 agents \(4 to serve \+ 2 for N\+2\)/);
  for (const f of ['plan.json', 'plan.md', 'plan.html']) assert.ok((await stat(join(dir, f))).size > 0, f);
  const doc = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as PlanDocument;
  assert.equal(doc.plan.recommendation.recommendedAgents, 6);
  assert.deepEqual(
    doc.counts.map((c) => c.kneePerS),
    LINEAR.map((r) => r.kneePerS),
  );
});

test('a sweep plus a single results folder of the same count are combined; --out and --json', async () => {
  const dir = await tempDir();
  await writeSweep(join(dir, 'sweep'), LINEAR);
  await writeStepRun(join(dir, 'again-2'), { agents: 2, kneePerS: 600 });
  const out = join(dir, 'plans', 'monday');
  const res = await runCli([
    'plan',
    join(dir, 'sweep'),
    join(dir, 'again-2'),
    '--peak',
    '2000/s',
    '--out',
    out,
    '--json',
  ]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  assert.match(res.stderr, /note: 2 agent\(s\): 2 runs .* combined/);
  const printed = JSON.parse(res.stdout) as PlanDocument;
  const written = JSON.parse(await readFile(join(out, 'plan.json'), 'utf8')) as PlanDocument;
  assert.deepEqual(printed, written);
  assert.equal(written.counts.find((c) => c.agents === 2)?.runs.length, 2);
});

test('a peak beyond what 40 agents carry exits 1, and says so', async () => {
  const dir = await tempDir();
  await writeSweep(dir, LINEAR);
  const res = await runCli(['plan', dir, '--peak', '20000/s', '--quiet']);
  assert.equal(res.code, EXIT.failed, res.stderr);
  const doc = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as PlanDocument;
  assert.equal(doc.plan.recommendation.fitsUnderMax, false);
  assert.match(
    doc.summary[0]!,
    /^Verdict — does not fit: even the favourable end .* more than the limit of 40/,
  );
  assert.match(doc.summary[1]!, /more than the tenant limit of 40/);
});

test('bad input: not a results folder, a peak like "lots", a malformed --slo or --redundancy, no knee → exit 2', async () => {
  const dir = await tempDir();
  await writeSweep(join(dir, 'sweep'), LINEAR);
  await writeSweep(join(dir, 'broken'), [{ agents: 1, kneePerS: 100, steps: [2, 3] }]);
  await mkdir(join(dir, 'holiday-photos'));
  const sweep = join(dir, 'sweep');
  const cases: [string[], RegExp][] = [
    [
      [join(dir, 'holiday-photos'), '--peak', '100/s'],
      /holiday-photos: neither sweep\.json nor run\.json .* give `ptaload plan` a sweep folder/,
    ],
    [[sweep, '--peak', 'lots'], /--peak: expected a rate like 200\/s.*got 'lots'/],
    [[sweep, '--peak', '100/s', '--slo', 'p99 fast'], /--slo: .*e\.g\. --slo "p99<1s"/],
    [
      [sweep, '--peak', '100/s', '--redundancy', 'N+one'],
      /--redundancy: 'N\+one' is not a redundancy\. Use N\+1/,
    ],
    [[join(dir, 'broken'), '--peak', '100/s'], /no agent count gave a knee.*start the ramp lower/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(['plan', ...args])));
  results.forEach((res, i) => {
    const [args, message] = cases[i]!;
    assert.equal(res.code, EXIT.badInput, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message);
    noStack(res.stderr);
  });
  await assert.rejects(stat(join(dir, 'holiday-photos', 'plan.json')), 'nothing written on bad input');
});
