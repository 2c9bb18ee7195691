import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PlanInput, planCapacity } from '../../src/capacity/plan.js';
import { uslThroughput } from '../../src/capacity/usl-fit.js';
import { ResultsError, UsageError } from '../../src/errors.js';

// 350/s per agent, scaling perfectly: every figure below can be checked by hand.
const LINEAR: PlanInput = {
  knees: [
    { agents: 1, kneePerS: 350 },
    { agents: 2, kneePerS: 700 },
    { agents: 4, kneePerS: 1400 },
  ],
  peakPerS: 2700,
  headroom: 0.25,
  redundancy: { kind: 'n+k', k: 2 },
  maxAgents: 40,
  minAgents: 3,
};

function near(got: number | null | undefined, want: number, what: string): void {
  assert.ok(
    got != null && Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)),
    `${what}: ${got} ≠ ${want}`,
  );
}

test('N+k: needed = peak × (1 + headroom); serving = smallest N reaching it; plus k', () => {
  const plan = planCapacity(LINEAR);
  near(plan.fit.lambda, 350, 'λ');
  near(plan.fit.sigma, 0, 'σ');
  near(plan.fit.kappa, 0, 'κ');
  near(plan.perAgentPerS.fromOneAgentKnee, 350, 'per agent from the 1-agent knee');
  near(plan.perAgentPerS.fromFit, 350, 'per agent from λ');
  near(plan.perAgentPerS.measuredMean, 350, 'per agent measured mean');
  near(plan.neededPerS, 3375, 'needed'); // 2700 × 1.25
  const rec = plan.recommendation;
  assert.equal(rec.servingAgents, 10); // 3375 / 350 = 9.64 → 10
  near(rec.servingPredictedPerS, 3500, 'X(10)');
  near(rec.oneFewerPredictedPerS, 3150, 'X(9) < needed');
  assert.equal(rec.redundancyAgents, 2);
  assert.equal(rec.recommendedAgents, 12);
  assert.equal(rec.raisedToMinimum, false);
  assert.equal(rec.fitsUnderMax, true);
  assert.equal(rec.extrapolated, true, '12 agents is beyond the 4 measured');
  assert.equal(plan.ceiling.servingAgents, 38);
  near(plan.ceiling.predictedPerS, 13_300, 'X(38)');
  near(plan.ceiling.maxPeakPerS, 10_640, 'X(38) / 1.25');
  assert.equal(plan.curve.length, 40);
  near(plan.curve[39]?.predictedPerS, 14_000, 'X(40)');
  assert.equal(plan.curve[3]?.extrapolated, false);
  assert.equal(plan.siteLoss, null);
  assert.ok(plan.assumptions.some((a) => a.includes('2700/s × (1 + 25 % headroom) = 3375/s')));
  assert.ok(plan.warnings.some((w) => /outside the measured agent counts/.test(w)));
  assert.deepEqual(JSON.parse(JSON.stringify(plan)).recommendation, rec, 'plain data for plan.json');
});

test('never below the minimum of 3 agents', () => {
  const plan = planCapacity({ ...LINEAR, peakPerS: 100, redundancy: { kind: 'n+k', k: 1 } });
  assert.equal(plan.recommendation.servingAgents, 1);
  assert.equal(plan.recommendation.recommendedAgents, 3);
  assert.equal(plan.recommendation.raisedToMinimum, true);
});

test('a peak beyond 40 agents says so, and the ceiling says what 40 can carry', () => {
  const plan = planCapacity({ ...LINEAR, peakPerS: 20_000 });
  assert.equal(plan.recommendation.servingAgents, 72); // 25 000 / 350 = 71.4
  assert.equal(plan.recommendation.recommendedAgents, 74);
  assert.equal(plan.recommendation.fitsUnderMax, false);
  assert.ok(plan.warnings.some((w) => w.includes('74 agents exceed the tenant limit of 40')));
});

test('a retrograde fit that never reaches the need gives no recommendation, and the ceiling uses the best N', () => {
  const truth = { sigma: 0.1, kappa: 0.01, lambda: 350 };
  // Measured past the peak (N* ≈ 9.5): without a measured downturn coherency would not be claimed.
  const knees = [1, 2, 4, 6, 8, 12, 16].map((agents) => ({ agents, kneePerS: uslThroughput(truth, agents) }));
  const plan = planCapacity({ ...LINEAR, knees, peakPerS: 5000 });
  assert.equal(plan.recommendation.servingAgents, null);
  assert.equal(plan.recommendation.recommendedAgents, null);
  assert.equal(plan.recommendation.fitsUnderMax, false);
  const nStar = Math.sqrt(0.9 / 0.01); // 9.49
  assert.ok(plan.ceiling.bestAgents === 9 || plan.ceiling.bestAgents === 10);
  assert.ok(Math.abs(plan.ceiling.bestAgents - nStar) < 1);
  near(plan.ceiling.predictedPerS, uslThroughput(truth, plan.ceiling.bestAgents), 'best X up to 38');
  assert.ok(plan.warnings.some((w) => /never reaches/.test(w)));
});

test('site redundancy: even spread so that losing the largest site still serves the need', () => {
  const plan = planCapacity({ ...LINEAR, redundancy: { kind: 'site', sites: { dc1: 0, dc2: 0, dc3: 0 } } });
  // 10 must survive: N − ⌈N/3⌉ ≥ 10 → N = 15 (15 − 5 = 10; 14 − 5 = 9).
  assert.equal(plan.recommendation.recommendedAgents, 15);
  assert.equal(plan.recommendation.redundancyAgents, 5);
  assert.deepEqual(plan.recommendation.siteSplit, { sites: 3, largestSiteAgents: 5 });
  assert.equal(plan.siteLoss?.layout, 'recommended');
  assert.deepEqual(plan.siteLoss?.agentsPerSite, { dc1: 5, dc2: 5, dc3: 5 });
  assert.equal(plan.siteLoss?.remainingAgents, 10);
  assert.equal(plan.siteLoss?.survives, true);
  assert.equal(plan.ceiling.servingAgents, 26); // 40 − ⌈40/3⌉
  near(plan.ceiling.maxPeakPerS, (26 * 350) / 1.25, 'ceiling');
});

test('site redundancy with a given layout checks that layout losing its largest site', () => {
  const plan = planCapacity({ ...LINEAR, redundancy: { kind: 'site', sites: { dc1: 6, dc2: 4 } } });
  assert.equal(plan.siteLoss?.layout, 'given');
  assert.equal(plan.siteLoss?.largestSite, 'dc1');
  assert.equal(plan.siteLoss?.remainingAgents, 4);
  near(plan.siteLoss?.remainingPredictedPerS, 1400, 'X(4)');
  assert.equal(plan.siteLoss?.survives, false);
  assert.ok(plan.warnings.some((w) => w.startsWith('Losing site dc1 (6 agents) leaves 4')));
});

test('only one agent count measured: linear scaling is assumed and warned about', () => {
  const plan = planCapacity({
    ...LINEAR,
    knees: [
      { agents: 1, kneePerS: 340 },
      { agents: 1, kneePerS: 360 },
    ],
  });
  near(plan.fit.lambda, 350, 'λ = mean 1-agent knee');
  near(plan.perAgentPerS.fromOneAgentKnee, 350, 'mean of the two 1-agent knees');
  assert.ok(plan.warnings.some((w) => /could not be tested and scaling is assumed linear/.test(w)));
  assert.equal(plan.model?.chosen, 'linear');
});

test('bad input: a peak that is not a rate, a bad k or no knees at all', () => {
  assert.throws(() => planCapacity({ ...LINEAR, peakPerS: Number.NaN }), UsageError);
  assert.throws(() => planCapacity({ ...LINEAR, headroom: -0.1 }), UsageError);
  assert.throws(() => planCapacity({ ...LINEAR, redundancy: { kind: 'n+k', k: 1.5 } }), UsageError);
  assert.throws(
    () => planCapacity({ ...LINEAR, redundancy: { kind: 'site', sites: { only: 3 } } }),
    UsageError,
  );
  assert.throws(() => planCapacity({ ...LINEAR, knees: [] }), ResultsError);
});
