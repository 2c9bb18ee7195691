import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measuredDownturn, selectModel } from '../../src/capacity/model-select.js';
import { type PlanInput, planCapacity } from '../../src/capacity/plan.js';
import { uslThroughput } from '../../src/capacity/usl-fit.js';
import { seededNormal } from '../metrics/seeded-random.js';

const BASE: Omit<PlanInput, 'knees'> = {
  peakPerS: 1200,
  headroom: 0.25,
  redundancy: { kind: 'n+k', k: 1 },
  maxAgents: 40,
  minAgents: 3,
};

/** A knee per count from `truth`, with seeded relative noise, and 8 judged intervals around it. */
function knees(truth: (n: number) => number, counts: readonly number[], noise: number, seed: number) {
  const normal = seededNormal(seed);
  return counts.map((agents) => {
    const kneePerS = truth(agents) * (1 + noise * normal());
    const samples = Array.from({ length: 8 }, () => kneePerS * (1 + 0.02 * normal()));
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    return { agents, kneePerS: mean, samples, upperPerS: mean * 1.1 };
  });
}

test('linear truth with noise: linear (or a USL with κ ≈ 0) and a finite agent count, for every seed', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const plan = planCapacity({ ...BASE, knees: knees((n) => 350 * n, [1, 2, 3, 4, 6, 8], 0.03, seed) });
    const chosen = plan.model!.chosen;
    assert.ok(chosen !== 'usl' || plan.fit.kappa < 1e-4, `seed ${seed}: ${chosen} κ ${plan.fit.kappa}`);
    assert.ok(
      plan.fit.nStar === null || plan.fit.nStar > 40,
      `seed ${seed}: no peak inside the tenant limit`,
    );
    assert.notEqual(plan.recommendation.recommendedAgents, null, `seed ${seed}`);
    assert.equal(plan.verdict?.kind, 'fits', `seed ${seed}: ${plan.verdict?.text}`);
    const ci = plan.uncertainty!.recommendedAgents;
    assert.ok(ci.low !== null && ci.high !== null && ci.low <= ci.high, JSON.stringify(ci));
    // 1500/s at 350/s per agent: 5 serve, + 1 spare.
    assert.ok(ci.low <= 6 && 6 <= ci.high, `seed ${seed}: 6 agents within ${JSON.stringify(ci)}`);
    assert.match(plan.verdict!.text, /^fits: \d+(–\d+)? agents \(95 %\)/);
  }
});

test('retrograde truth measured past its peak: "peaks at N" with an interval holding the true N*', () => {
  const truth = { lambda: 400, sigma: 0.05, kappa: 0.02 }; // N* = √(0.95 / 0.02) ≈ 6.9
  const nStar = Math.sqrt(0.95 / 0.02);
  for (let seed = 1; seed <= 6; seed++) {
    const plan = planCapacity({
      ...BASE,
      peakPerS: 2000,
      knees: knees((n) => uslThroughput(truth, n), [1, 2, 3, 4, 6, 8, 10, 12], 0.02, seed),
    });
    assert.equal(plan.model!.chosen, 'usl', `seed ${seed}`);
    assert.ok(Math.abs(plan.fit.nStar! - nStar) < 1.5, `seed ${seed}: N* ${plan.fit.nStar}`);
    const band = plan.uncertainty!.nStar!;
    assert.ok(band.low! <= nStar + 0.5 && nStar - 0.5 <= band.high!, `seed ${seed}: ${JSON.stringify(band)}`);
    assert.equal(plan.verdict?.kind, 'does-not-fit');
    assert.match(plan.verdict!.text, /peaks at about [\d,]+\/s with \d+ agents \(95 %: \d+–\d+\)/);
  }
});

test('three agent counts never give a coherency downturn, however the knees bend', () => {
  const cases = [
    [342, 707, 917], // a busy machine's 1/2/3-agent sweep
    [350, 600, 500], // a measured fall at 3 agents
    [350, 700, 1050],
  ];
  for (const [a, b, c] of cases) {
    const k = [
      { agents: 1, kneePerS: a!, upperPerS: a! * 1.17 },
      { agents: 2, kneePerS: b!, upperPerS: b! * 1.13 },
      { agents: 3, kneePerS: c!, upperPerS: c! * 1.09 },
    ];
    const plan = planCapacity({ ...BASE, knees: k });
    assert.notEqual(plan.model!.chosen, 'usl');
    assert.equal(plan.fit.kappa, 0);
    assert.equal(plan.fit.nStar, null);
    assert.equal(plan.uncertainty!.modelShares.usl, 0, 'not even in a resample');
    assert.doesNotMatch(plan.verdict!.text, /peaks|does not fit/, `${a}/${b}/${c}: ${plan.verdict!.text}`);
    const usl = plan.model!.candidates.find((m) => m.model === 'usl')!;
    assert.equal(usl.eligible, false);
    assert.match(usl.why, /≥ 4 distinct agent counts/);
  }
  const busy = planCapacity({
    ...BASE,
    knees: [
      { agents: 1, kneePerS: 342, upperPerS: 400 },
      { agents: 2, kneePerS: 707, upperPerS: 800 },
      { agents: 3, kneePerS: 917, upperPerS: 1000 },
    ],
  });
  assert.equal(busy.verdict?.kind, 'fits');
  assert.match(busy.verdict!.text, /^fits: 5–6 agents \(95 %\)/);
  const fall = planCapacity({
    ...BASE,
    knees: [
      { agents: 1, kneePerS: 350 },
      { agents: 2, kneePerS: 600 },
      { agents: 3, kneePerS: 500 },
    ],
  });
  assert.equal(fall.verdict?.kind, 'uncertain');
  assert.match(fall.verdict!.text, /^not enough evidence: .* measure 4 and \d+ agents next/);
  assert.ok(fall.warnings.some((w) => /downturn/.test(w)));
});

test('an interval that spans the tenant limit is "not enough evidence", never "does not fit"', () => {
  const k = knees((n) => 100 * n, [1, 2, 3, 4], 0.06, 7);
  let spanned = 0;
  for (let peak = 2500; peak <= 4000; peak += 100) {
    const plan = planCapacity({ ...BASE, headroom: 0, peakPerS: peak, knees: k, resamples: 200 });
    const ci = plan.uncertainty!.recommendedAgents;
    const spans = ci.low !== null && ci.low <= 40 && (ci.high === null || ci.high > 40);
    if (!spans) continue;
    spanned++;
    assert.equal(plan.verdict?.kind, 'uncertain', `${peak}/s: ${JSON.stringify(ci)}`);
    assert.match(plan.verdict!.text, /^not enough evidence: measure \d+ and \d+ agents next/);
    assert.ok(plan.verdict!.measureNext.every((n) => n > 4 && n <= 40));
  }
  assert.ok(spanned > 0, 'some peak puts the limit inside the interval');
});

test('the bootstrap is seeded: the same knees give the same intervals; AICc prefers the simpler model on a tie', () => {
  const k = knees((n) => 350 * n, [1, 2, 4, 6], 0.02, 3);
  const a = planCapacity({ ...BASE, knees: k });
  const b = planCapacity({ ...BASE, knees: k });
  assert.deepEqual(a.uncertainty, b.uncertainty);
  const exact = selectModel([1, 2, 3, 4, 6].map((n) => ({ n, x: 350 * n })));
  assert.equal(exact.model, 'linear', 'no better fit for more coefficients: the penalty decides');
  assert.ok(
    measuredDownturn([
      { n: 1, x: 300 },
      { n: 2, x: 500 },
      { n: 4, x: 480 },
    ]),
  );
  assert.ok(
    !measuredDownturn([
      { n: 1, x: 300 },
      { n: 2, x: 500 },
      { n: 4, x: 520 },
    ]),
  );
});
