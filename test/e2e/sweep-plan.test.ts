import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PlanDocument } from '../../src/capacity/plan-document.js';
import { CAPACITY_PER_4_CORES } from '../../src/protocol/agent-spec.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A real sweep against the simulator: default 4-core agents, the same phases played with 1, 2 and 3 agents.
 * Arrivals are uniform, so a step's achieved rate tracks its target until the agents saturate. Around each
 * count's capacity the steps are 10 % apart, so one lands between capacity and capacity / 0.9 (answered at
 * about capacity, still passing) and a higher one fails on achieved rate. Between those groups, and to warm a
 * cold harness and simulator up, the rate ramps: a ramp's intervals all differ in rate, so none forms a step
 * and none is judged, which keeps the steps a stall on a busy machine could spoil few. One worker leaves the
 * two cores to the simulator and the main thread. About a minute on 2 cores.
 */
const PROFILE = `
name: e2e-sweep
target: { kind: sim, seed: 3 }
users: { generate: 5000 }
agents: { count: 3 }
load:
  workers: 1
  interval: 250ms
  arrivals: uniform
  phases:
    - { name: warm-up, shape: ramp, from: 50/s, to: 245/s, duration: 1500ms }
    - { name: one, shape: step, start: 280/s, increment: 35/s, every: 1s, until: 420/s }
    - { name: to-two, shape: ramp, from: 420/s, to: 595/s, duration: 500ms }
    - { name: two, shape: step, start: 630/s, increment: 70/s, every: 1s, until: 840/s }
    - { name: to-three, shape: ramp, from: 840/s, to: 900/s, duration: 500ms }
    - { name: three, shape: step, start: 945/s, increment: 105/s, every: 1s, until: 1365/s }
sweep:
  agentCounts: [1, 2, 3]
  settle: 0s
  stopWhen: { p99: 1s, errorRate: 1% }
`;

const within10 = (got: number | null | undefined, want: number, what: string) =>
  assert.ok(
    got != null && Math.abs(got / want - 1) <= 0.1,
    `${what}: ${got}/s is not within 10 % of ${want}/s`,
  );

test('a sweep against the simulator plans 350/s agents within 10 %, with a recommendation plan.json proves', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'sweep.yaml');
  await writeFile(profile, PROFILE);
  const sweep = join(dir, 'sweep');
  const run = await runCli(['run', profile, '--out', sweep, '--quiet'], { timeoutMs: 240_000 });
  assert.equal(run.code, 0, `sweep exit 0 expected; stderr: ${run.stderr}`);

  const res = await runCli(['plan', sweep, '--peak', '1200/s', '--headroom', '25%', '--redundancy', 'N+1']);
  assert.equal(res.code, 0, res.stderr);
  const doc = JSON.parse(await readFile(join(sweep, 'plan.json'), 'utf8')) as PlanDocument;
  const { plan } = doc;

  // Per-agent capacity, from the 1-agent knee and from the fit, against what the simulator was configured for.
  assert.equal(doc.configuredPerAgentPerS, CAPACITY_PER_4_CORES);
  assert.deepEqual(
    doc.counts.map((c) => [c.agents, c.usedInFit]),
    [
      [1, true],
      [2, true],
      [3, true],
    ],
  );
  const evidence = doc.counts.map((c) => `${c.agents}: ${c.status} ${c.kneePerS}/s`).join(', ');
  within10(plan.perAgentPerS.fromOneAgentKnee, CAPACITY_PER_4_CORES, `the 1-agent knee (${evidence})`);
  within10(plan.perAgentPerS.fromFit, CAPACITY_PER_4_CORES, `the fit's λ (${evidence})`);

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
