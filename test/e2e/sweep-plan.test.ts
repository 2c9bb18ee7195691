import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlanDocument } from '../../src/capacity/plan-document.js';
import { CAPACITY_PER_4_CORES } from '../../src/protocol/agent-spec.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { SWEEP_PROFILE } from './sweep-profile.js';

// How close the knee comes to the simulator's 350/s per agent is measured by `npm run bench -- sweep-plan`:
// under CPU contention it is a figure about the machine, not a pass/fail fact about the code.
test('a sweep against the simulator gives a knee per agent count and a recommendation plan.json proves', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'sweep.yaml');
  await writeFile(profile, SWEEP_PROFILE);
  const sweep = join(dir, 'sweep');
  const run = await runCli(['run', profile, '--out', sweep, '--quiet'], { timeoutMs: 240_000 });
  assert.equal(run.code, 0, `sweep exit 0 expected; stderr: ${run.stderr}`);

  const res = await runCli(['plan', sweep, '--peak', '1200/s', '--headroom', '25%', '--redundancy', 'N+1']);
  assert.equal(res.code, 0, res.stderr);
  const doc = JSON.parse(await readFile(join(sweep, 'plan.json'), 'utf8')) as PlanDocument;
  const { plan } = doc;

  // Per-agent capacity: the 1-agent knee and the fit's λ, beside what the simulator was configured for.
  assert.equal(doc.configuredPerAgentPerS, CAPACITY_PER_4_CORES);
  assert.deepEqual(
    doc.counts.map((c) => [c.agents, c.usedInFit]),
    [
      [1, true],
      [2, true],
      [3, true],
    ],
  );
  assert.equal(plan.perAgentPerS.fromOneAgentKnee, doc.counts[0]!.kneePerS);
  assert.equal(plan.perAgentPerS.fromFit, plan.fit.lambda);

  // Each knee is the mean achieved rate over the judged intervals of a passing step; the 1-agent ramp went past
  // it (a busier count's may end its ramp first, which only makes its knee a lower bound).
  const steps = (c: (typeof doc.counts)[number]) =>
    c.knee.steps.map((s) => `${s.targetPerS}/s ${s.verdict} ${s.reasons.join('; ')}`).join('\n');
  assert.ok(['found', 'stopped'].includes(doc.counts[0]!.status), steps(doc.counts[0]!));
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
  while (x(serving) < needed) serving++;
  const k = plan.input.redundancy.kind === 'n+k' ? plan.input.redundancy.k : Number.NaN;
  const recommended = Math.max(plan.input.minAgents, serving + k);
  assert.equal(plan.recommendation.servingAgents, serving);
  assert.equal(plan.recommendation.recommendedAgents, recommended);
  assert.equal(plan.recommendation.fitsUnderMax, recommended <= plan.input.maxAgents);
  assert.equal(plan.recommendation.extrapolated, recommended > 3);
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
  assert.equal((dots.match(/<circle /g) ?? []).length, 3, 'one dot per measured knee');
});
