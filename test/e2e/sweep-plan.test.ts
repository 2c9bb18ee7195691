import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlanDocument } from '../../src/capacity/plan-document.js';
import type { RunInfo } from '../../src/results/run-info.js';
import type { SweepIndex } from '../../src/results/sweep-index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { SWEEP_PROFILE } from './sweep-profile.js';

// What a live sweep measures (how close the knees come to 350/s per agent) depends on how busy the machine is:
// `npm run bench -- sweep-plan` reports it. Here the sweep's mechanics are checked live, and the plan's
// arithmetic on a sweep recorded from the simulator, so neither depends on CPU speed.

test('a live sweep against the simulator runs each agent count into its own results folder, probes each knee, and the plan states the knees the sweep refined', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'sweep.yaml');
  await writeFile(profile, SWEEP_PROFILE);
  const sweep = join(dir, 'sweep');
  const run = await runCli(['run', profile, '--out', sweep, '--quiet'], { timeoutMs: 420_000 });
  assert.equal(run.code, 0, `sweep exit 0 expected; stderr: ${run.stderr}`);
  const index = JSON.parse(await readFile(join(sweep, 'sweep.json'), 'utf8')) as SweepIndex;
  assert.equal(index.status, 'completed');
  assert.deepEqual(index.refine, { within: 0.02, probes: 3, holdMs: 1000 });
  assert.deepEqual(
    index.runs.map((r) => r.agents),
    [1, 2, 3],
  );
  for (const r of index.runs) {
    const info = JSON.parse(await readFile(join(sweep, r.dir, 'run.json'), 'utf8')) as RunInfo;
    assert.equal(info.status, 'completed', `${r.dir}: ${info.failure?.message ?? ''}`);
    assert.equal(info.agents.length, r.agents, `${r.dir} ran with ${r.agents} agent(s)`);
    // Each probe split the bracket it was given, and the bound above the knee never rose.
    const probes = r.probes ?? [];
    assert.ok(probes.length <= 3, `${r.dir}: at most sweep.refine.probes probes`);
    let upper = Number.POSITIVE_INFINITY;
    for (const p of probes) {
      assert.ok(p.targetPerS > p.lowerPerS && p.targetPerS < p.upperPerS, `${p.dir}: ${JSON.stringify(p)}`);
      assert.ok(p.upperPerS <= upper, `${p.dir}: the bound above rose to ${p.upperPerS} from ${upper}`);
      upper = p.upperPerS;
      assert.ok(p.verdict === 'pass' || p.verdict === 'fail', `${p.dir} judged: ${p.verdict}`);
      const probeInfo = JSON.parse(await readFile(join(sweep, p.dir, 'run.json'), 'utf8')) as RunInfo;
      assert.equal(probeInfo.status, 'completed');
      assert.equal(probeInfo.agents.length, r.agents, `${p.dir} ran with the count's agents`);
      assert.deepEqual(
        probeInfo.phases.map((ph) => ph.name),
        ['lead-in', 'probe'],
      );
    }
    // The probes stopped for the reason they say: within the limit, out of probes, or nothing left to try.
    const knee = r.knee!;
    assert.ok(knee, `${r.dir}: sweep.json has the refined knee`);
    if (knee.errorShare !== null && knee.errorShare > 0.02) {
      assert.ok(probes.length === 3 || /left|too close|asked/.test(knee.why), `${r.dir}: ${knee.why}`);
    }
  }

  // The plan reads the probes with their count and states the same knee and bound as the sweep did.
  const planned = await runCli(['plan', sweep, '--peak', '1200/s']);
  assert.equal(planned.code, 0, planned.stderr);
  const doc = JSON.parse(await readFile(join(sweep, 'plan.json'), 'utf8')) as PlanDocument;
  for (const r of index.runs) {
    const c = doc.counts.find((x) => x.agents === r.agents)!;
    assert.equal(c.kneePerS, r.knee!.kneePerS, `${r.agents} agent(s): knee`);
    assert.equal(c.knee.errorShare ?? null, r.knee!.errorShare, `${r.agents} agent(s): knee error`);
    const read = doc.sources.filter((src) => src.agents === r.agents);
    assert.equal(read.length, 1 + (r.probes?.length ?? 0), 'the ramp and every probe are read');
    assert.deepEqual(
      read.filter((src) => src.probePerS !== undefined).map((src) => src.probePerS),
      (r.probes ?? []).map((p) => p.targetPerS),
    );
  }
});

test('plan on a recorded sweep: the recommendation recomputed from plan.json, the same in plan.md and plan.html', async () => {
  const dir = await tempDir();
  await cp(join(ROOT, 'test', 'fixtures', 'results-0.1.0', 'sweep'), join(dir, 'sweep'), { recursive: true });
  const sweep = join(dir, 'sweep');
  const res = await runCli(['plan', sweep, '--peak', '30/s', '--headroom', '25%', '--redundancy', 'N+1']);
  assert.equal(res.code, 0, res.stderr);
  const doc = JSON.parse(await readFile(join(sweep, 'plan.json'), 'utf8')) as PlanDocument;
  const { plan } = doc;
  assert.deepEqual(
    doc.counts.map((c) => [c.agents, c.usedInFit]),
    [
      [1, true],
      [2, true],
    ],
  );
  assert.equal(plan.perAgentPerS.fromOneAgentKnee, doc.counts[0]!.kneePerS);
  assert.equal(plan.perAgentPerS.fromFit, plan.fit.lambda);

  // Each knee is the mean achieved rate over the judged intervals of a passing step.
  for (const c of doc.counts) {
    const step = c.knee.steps.find((s) => s.targetPerS === c.kneeTargetPerS)!;
    assert.equal(step.verdict, 'pass');
    const judged = c.points.slice(step.firstPoint + 1, step.firstPoint + step.intervals);
    const mean = judged.reduce((s, p) => s + p.achievedPerS, 0) / judged.length;
    assert.ok(Math.abs(mean - c.kneePerS!) < 1e-6, `${c.agents} agents: knee ${c.kneePerS} = mean ${mean}`);
  }

  // The recommendation, recomputed from plan.json's own numbers.
  const { lambda, sigma, kappa } = plan.fit;
  const x = (n: number) => (lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
  for (const c of plan.curve) assert.ok(Math.abs(c.predictedPerS - x(c.agents)) < 1e-6 * x(c.agents));
  assert.deepEqual(
    plan.fit.points.map((p) => [p.n, p.measured]),
    doc.counts.map((c) => [c.agents, c.kneePerS]),
  );
  const needed = plan.input.peakPerS * (1 + plan.input.headroom);
  assert.equal(plan.neededPerS, needed);
  let serving = 1;
  while (x(serving) < needed && serving < 1000) serving++;
  const k = plan.input.redundancy.kind === 'n+k' ? plan.input.redundancy.k : Number.NaN;
  const recommended = Math.max(plan.input.minAgents, serving + k);
  assert.equal(plan.recommendation.servingAgents, serving);
  assert.equal(plan.recommendation.recommendedAgents, recommended);
  assert.equal(plan.recommendation.fitsUnderMax, recommended <= plan.input.maxAgents);
  assert.equal(plan.recommendation.extrapolated, recommended > 2);
  let best = 1;
  for (let n = 1; n <= plan.input.maxAgents - k; n++) if (x(n) > x(best)) best = n;
  assert.ok(Math.abs(plan.ceiling.maxPeakPerS - x(best) / (1 + plan.input.headroom)) < 1e-6);
  assert.match(
    res.stdout,
    new RegExp(`you need ${recommended} agents \\(${serving} to serve \\+ ${k} for N\\+${k}\\)`),
  );

  // The reports beside it show the same: plan.md in words, plan.html with the curve and the measured knees.
  const md = await readFile(join(sweep, 'plan.md'), 'utf8');
  assert.ok(md.includes(`you need ${recommended} agents`));
  const html = await readFile(join(sweep, 'plan.html'), 'utf8');
  assert.match(html, /<svg data-chart="capacity"/);
  const dots = /<g class="dots"[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '';
  assert.equal((dots.match(/<circle /g) ?? []).length, 2, 'one dot per measured knee');
});
