import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { selectModel } from '../../src/capacity/model-select.js';
import { buildPlan, planFits } from '../../src/capacity/plan-build.js';
import type { PlanRequest } from '../../src/capacity/plan-document.js';
import { renderPlanHtml } from '../../src/capacity/plan-html.js';
import { readPlanInputs } from '../../src/capacity/plan-inputs.js';
import { renderPlanMarkdown } from '../../src/capacity/plan-markdown.js';
import { uslThroughput } from '../../src/capacity/usl-fit.js';
import { parseRedundancy, parseRequest } from '../../src/cli/plan.js';
import { ResultsError, UsageError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';
import { writeStepRun, writeSweep } from './plan-cli-fixture.js';

const MADE = { at: new Date('2026-11-25T09:00:00.000Z'), version: '0.1.0' };
const flags = { peak: '1200/s', redundancy: 'N+1', headroom: '25%' };
// Knees with contention (σ = 0.05) and a little coherency cost, rounded to whole replies per second.
const TRUE = { lambda: 340, sigma: 0.05, kappa: 0.002 };
const knee = (n: number) => Math.round(uslThroughput(TRUE, n));

test('flags: rates, shares, the p99 SLO and redundancy are parsed; anything else names its flag', () => {
  assert.equal(parseRequest(flags).peakPerS, 1200);
  assert.equal(parseRequest({ ...flags, peak: '72000/min' }).peakPerS, 1200);
  assert.equal(parseRequest({ ...flags, peak: '1200' }).peakPerS, 1200);
  assert.equal(parseRequest({ ...flags, headroom: '0.4' }).headroom, 0.4);
  assert.equal(parseRequest({ ...flags, slo: 'p99 <= 800ms' }).sloP99Ms, 800);
  assert.equal(parseRequest({ ...flags, maxErrorRate: '0.5%' }).maxErrorRate, 0.005);
  assert.equal(parseRequest(flags).sloP99Ms, undefined, 'no --slo: left to the sweep or the default');
  assert.deepEqual(parseRedundancy('n+2'), { kind: 'n+k', k: 2 });
  assert.deepEqual(parseRedundancy('site:3'), {
    kind: 'site',
    sites: { 'site-1': 0, 'site-2': 0, 'site-3': 0 },
  });
  assert.deepEqual(parseRedundancy('site:dc1=3,dc2=2'), { kind: 'site', sites: { dc1: 3, dc2: 2 } });
  const bad: [Partial<typeof flags> & { slo?: string; maxErrorRate?: string }, RegExp][] = [
    [{ peak: 'lots' }, /--peak: .*'lots'.*--peak 1200\/s/],
    [{ peak: '0/s' }, /--peak/],
    [{ headroom: '150%' }, /--headroom: .*'150%'/],
    [{ slo: 'p95<1s' }, /--slo: 'p95<1s' is not a tenant-wide p99 limit/],
    [{ slo: 'each-agent: p99<1s' }, /--slo/],
    [{ slo: 'p99>1s' }, /--slo: .*upper limit/],
    [{ slo: 'p99<soon' }, /--slo: .*latency with a unit/],
    [{ maxErrorRate: 'few' }, /--max-error-rate/],
    [{ redundancy: 'N+x' }, /--redundancy: 'N\+x'.*N\+1/],
    [{ redundancy: 'site:1' }, /--redundancy: .*2 to 40 sites/],
    [{ redundancy: 'site:dc1=3' }, /--redundancy: .*at least 2 sites/],
    [{ redundancy: 'site:dc1=3,dc1=2' }, /repeats a site/],
  ];
  for (const [patch, message] of bad) {
    assert.throws(
      () => parseRequest({ ...flags, ...patch }),
      (err) => err instanceof UsageError && message.test(err.message),
      JSON.stringify(patch),
    );
  }
});

test('a sweep folder gives one knee per count; the plan fits the model AICc chooses to exactly those knees', async () => {
  const dir = await tempDir();
  await writeSweep(
    dir,
    [1, 2, 4, 6].map((agents) => ({ agents, kneePerS: knee(agents) })),
  );
  const inputs = await readPlanInputs([dir]);
  assert.deepEqual(
    inputs.counts.map((c) => c.agents),
    [1, 2, 4, 6],
  );
  const doc = buildPlan(inputs, parseRequest(flags), MADE);
  for (const c of doc.counts) {
    assert.equal(c.status, 'found');
    assert.equal(c.kneePerS, knee(c.agents), `${c.agents} agents`);
    assert.equal(c.knee.failedStep?.targetPerS, Math.round(1.25 * knee(c.agents)));
  }
  assert.deepEqual(doc.rule.source, { sloP99Ms: 'sweep', maxErrorRate: 'sweep' });
  // Four counts and no downturn: coherency cannot be claimed, so the choice is between linear and Amdahl.
  const expected = selectModel([1, 2, 4, 6].map((n) => ({ n, x: knee(n) })));
  assert.equal(doc.plan.model?.chosen, expected.model);
  assert.equal(expected.model, 'amdahl', 'the knees bend: contention is worth its coefficient');
  assert.equal(doc.plan.fit.lambda, expected.fit.lambda);
  assert.equal(doc.plan.fit.sigma, expected.fit.sigma);
  assert.equal(doc.plan.fit.kappa, 0);
  assert.ok(doc.plan.fit.sigma > TRUE.sigma, `σ ${doc.plan.fit.sigma} also carries the unclaimed coherency`);
  assert.equal(doc.configuredPerAgentPerS, 350);
  assert.equal(doc.plan.perAgentPerS.fromOneAgentKnee, knee(1));
  const x = (n: number) => uslThroughput(doc.plan.fit, n);
  let serving = 1;
  while (x(serving) < 1500) serving++;
  assert.equal(doc.plan.recommendation.servingAgents, serving);
  assert.equal(doc.plan.recommendation.recommendedAgents, Math.max(3, serving + 1));
  assert.ok(doc.arithmetic.some((line) => line.includes(`→ ${serving}`)));
  assert.match(
    doc.summary[1]!,
    new RegExp(`you need ${Math.max(3, serving + 1)} agents \\(${serving} to serve \\+ 1 for N\\+1\\)`),
  );
  assert.match(doc.summary[0]!, /^Verdict — fits: \d+(–\d+)? agents \(95 %\)/);
  const ci = doc.plan.uncertainty!.recommendedAgents;
  assert.ok(ci.low! <= Math.max(3, serving + 1) && Math.max(3, serving + 1) <= ci.high!, JSON.stringify(ci));
});

test('runs of one count are combined, separated by an idle point; a timeline run is noted', async () => {
  const dir = await tempDir();
  await writeSweep(join(dir, 'sweep'), [
    { agents: 1, kneePerS: 300 },
    { agents: 2, kneePerS: 560 },
  ]);
  // A second 2-agent run that breaks lower (540/s): the first failing step of either run ends the knee.
  await writeStepRun(join(dir, 'extra'), {
    agents: 2,
    kneePerS: 450,
    steps: [1, 1.2],
    timeline: [{ atMs: 500, action: 'degrade', agent: 'agent-1', ok: true }],
  });
  const inputs = await readPlanInputs([join(dir, 'sweep'), join(dir, 'extra')]);
  const two = inputs.counts.find((c) => c.agents === 2)!;
  assert.equal(two.sources.length, 2);
  assert.equal(two.points.length, 5 * 4 + 1 + 2 * 4, 'both runs and one idle point between them');
  assert.equal(two.points[20]!.targetPerS, 0);
  assert.ok(inputs.notes.some((n) => /2 agent\(s\): 2 runs .* combined/.test(n)));
  assert.ok(inputs.notes.some((n) => n.includes('extra') && /changed its agents/.test(n)));
  const doc = buildPlan(inputs, parseRequest(flags), MADE);
  const count = doc.counts.find((c) => c.agents === 2)!;
  assert.equal(count.kneePerS, 450, 'the 560/s step passed in one run, but a 540/s step failed in the other');
  assert.equal(count.knee.failedStep?.targetPerS, 540);
  assert.equal(count.runs.length, 2);
});

test('knee statuses: stopped at the sweep limit, lower bound, none; no knee anywhere is a ResultsError', async () => {
  const dir = await tempDir();
  await writeSweep(dir, [
    // The sweep stopped it 2 intervals into the step above the knee: too short to judge.
    { agents: 1, kneePerS: 300, steps: [0.5, 0.75, 1, 1.25], lastStepIntervals: 2, stoppedEarly: true },
    // The ramp never passed the knee.
    { agents: 2, kneePerS: 700, steps: [0.5, 0.75, 0.9] },
    // Even the first step is over the knee.
    { agents: 3, kneePerS: 100, steps: [2, 3] },
  ]);
  const inputs = await readPlanInputs([dir]);
  const doc = buildPlan(inputs, parseRequest(flags), MADE);
  assert.deepEqual(
    doc.counts.map((c) => [c.agents, c.status, c.usedInFit]),
    [
      [1, 'stopped', true],
      [2, 'lower-bound', true],
      [3, 'none', false],
    ],
  );
  assert.equal(doc.counts[1]!.kneePerS, 630);
  assert.ok(doc.warnings.some((w) => /2 agent\(s\): .*lower bound/.test(w)));
  assert.ok(doc.warnings.some((w) => /3 agent\(s\): even the lowest judged step/.test(w)));
  // A looser SLO than the sweep stopped at: the stop no longer proves the SLO broke.
  const loose = buildPlan(inputs, { ...parseRequest(flags), sloP99Ms: 5000 }, MADE);
  assert.equal(loose.counts[0]!.status, 'lower-bound');
  assert.equal(loose.rule.source.sloP99Ms, 'flag');

  const none = await tempDir();
  await writeSweep(none, [{ agents: 1, kneePerS: 100, steps: [2, 3] }]);
  const request: PlanRequest = parseRequest(flags);
  await assert.rejects(
    async () => buildPlan(await readPlanInputs([none]), request, MADE),
    (err) =>
      err instanceof ResultsError &&
      /no agent count gave a knee.*1 agent\(s\): even the lowest/.test(err.message),
  );
});

test('folders that are neither a sweep nor a results folder are refused by name', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'empty'));
  await assert.rejects(readPlanInputs([join(dir, 'empty')]), (err) => {
    return (
      err instanceof ResultsError &&
      err.message.includes(join(dir, 'empty')) &&
      /sweep\.json nor run\.json/.test(err.message)
    );
  });
  await assert.rejects(readPlanInputs([join(dir, 'missing')]), /no such folder/);
});

test('plan.md and plan.html carry the recommendation, the curve, the knees and escape what they show', async () => {
  const dir = await tempDir();
  const odd = join(dir, 'x<img src=y>');
  await writeSweep(
    odd,
    [1, 2, 3].map((agents) => ({ agents, kneePerS: knee(agents) })),
  );
  const doc = buildPlan(await readPlanInputs([odd]), parseRequest({ ...flags, redundancy: 'site:2' }), MADE);
  const html = renderPlanHtml(doc);
  assert.ok(!html.includes('<img'), 'folder names are escaped');
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /(src|href)="https?:/);
  const svg = /<svg data-chart="capacity" data-points="([^"]*)"/.exec(html);
  assert.ok(svg, 'the capacity chart is drawn');
  const data = JSON.parse(svg[1]!.replaceAll('&quot;', '"')) as {
    series: { name: string; points: [number, number | null][] }[];
  };
  const knees = data.series.find((s) => s.name === 'measured knee')!;
  assert.deepEqual(
    knees.points,
    [1, 2, 3].map((n) => [n, knee(n)]),
  );
  assert.equal(data.series[0]!.points.length, 40);
  assert.match(html, /tenant limit: 40 agents/);
  // Past the 3 agents measured, the curve is extrapolated: the chart shades that range and says so.
  assert.match(html, /<g class="xband"><title>extrapolated beyond 3 measured agents<\/title>/);
  assert.match(html, new RegExp(`peak \\+ 25 % headroom = ${(1500).toLocaleString('en-US')}/s`));
  const md = renderPlanMarkdown(doc);
  for (const line of doc.summary) assert.ok(md.includes(line.replaceAll('*', '\\*').slice(0, 40)), line);
  assert.match(md, /Losing your largest site/);
  assert.match(md, /\| 3 \| .* \| found \| yes \|/);
  assert.ok(doc.plan.siteLoss?.survives);
});

test('a retrograde curve that never reaches the need says where it peaks, and the plan does not fit', async () => {
  const dir = await tempDir();
  const truth = { lambda: 350, sigma: 0.1, kappa: 0.01 };
  await writeSweep(
    dir,
    // Measured past the peak (N* ≈ 9.5): 16 agents answer less than 8, the downturn κ needs.
    [1, 2, 4, 6, 8, 12, 16].map((agents) => ({ agents, kneePerS: Math.round(uslThroughput(truth, agents)) })),
  );
  const doc = buildPlan(await readPlanInputs([dir]), parseRequest({ ...flags, peak: '5000/s' }), MADE);
  assert.equal(doc.plan.model?.chosen, 'usl');
  assert.equal(doc.plan.verdict?.kind, 'does-not-fit');
  assert.match(doc.plan.verdict!.text, /peaks at about .* with (9|10) agents \(95 %: \d+–\d+\)/);
  assert.equal(doc.plan.recommendation.recommendedAgents, null);
  assert.equal(planFits(doc), false);
  const nStar = Math.round(doc.plan.fit.nStar!);
  assert.ok(Math.abs(nStar - Math.sqrt(0.9 / 0.01)) < 1, `N* ${doc.plan.fit.nStar}`);
  assert.match(
    doc.summary[1]!,
    new RegExp(`No number of agents carries 5,000 sign-ins/s peak .* peaks at about .* with ${nStar} agents`),
  );
  assert.ok(doc.arithmetic.includes('serving: no N up to 1000 has X(N) ≥ 6,250/s'));
});
