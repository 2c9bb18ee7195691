import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findKnee, findKnees, type KneePoint } from '../../src/capacity/knee.js';

const RULE = { sloP99Ms: 1000, maxErrorRate: 0.01 };

/** One step of `count` intervals at `target`/s; `shape(i)` may override any interval's figures. */
function step(
  target: number,
  count: number,
  shape: (i: number) => Partial<KneePoint> = () => ({}),
): KneePoint[] {
  return Array.from({ length: count }, (_, i) => ({
    agents: 1,
    targetPerS: target,
    achievedPerS: target,
    p99Ms: 200,
    errorRate: 0,
    ...shape(i),
  }));
}

test('the knee is the mean achieved rate of the highest passing step below the first failing one', () => {
  const points = [
    ...step(100, 11),
    ...step(200, 11, (i) => ({ achievedPerS: i % 2 ? 198 : 202 })),
    // A transition spike in the first interval of a step is not judged.
    ...step(300, 11, (i) => ({ achievedPerS: i === 0 ? 250 : 296, p99Ms: i === 0 ? 5000 : 700 })),
    ...step(400, 11, (i) => ({ p99Ms: i < 3 ? 900 : 2500, achievedPerS: 380 })),
  ];
  const knee = findKnee(points, RULE);
  assert.equal(knee.status, 'found');
  assert.equal(knee.agents, 1);
  assert.equal(knee.kneePerS, 296, 'mean over the judged intervals, the transition excluded');
  assert.equal(knee.kneeTargetPerS, 300);
  assert.equal(knee.failedStep?.targetPerS, 400);
  assert.equal(knee.failedStep?.judged, 10);
  assert.equal(knee.failedStep?.passed, 2);
  assert.equal(knee.failedStep?.failures.p99, 8);
  assert.match(
    knee.failedStep?.reasons[0] ?? '',
    /2 of 10 intervals passed.*8 over the p99 SLO of 1000 ms \(worst 2500 ms\)/,
  );
  assert.deepEqual(
    knee.steps.map((s) => [s.targetPerS, s.verdict]),
    [
      [100, 'pass'],
      [200, 'pass'],
      [300, 'pass'],
      [400, 'fail'],
    ],
  );
  assert.match(knee.rule, /first interval is a transition/);
});

test('a step passes with one bad interval in ten (90 %), fails with two', () => {
  const oneBad = findKnee(
    [...step(100, 11), ...step(200, 11, (i) => ({ p99Ms: i === 5 ? 3000 : 300 }))],
    RULE,
  );
  assert.equal(oneBad.steps[1]?.verdict, 'pass');
  assert.equal(oneBad.status, 'not-reached');
  const twoBad = findKnee(
    [...step(100, 11), ...step(200, 11, (i) => ({ p99Ms: i === 5 || i === 6 ? 3000 : 300 }))],
    RULE,
  );
  assert.equal(twoBad.steps[1]?.verdict, 'fail');
  assert.equal(twoBad.kneePerS, 100);
});

test('errors above the limit, intervals without replies and a throughput shortfall each fail a step', () => {
  const errors = findKnee([...step(100, 6), ...step(200, 6, () => ({ errorRate: 0.05 }))], RULE);
  assert.equal(errors.failedStep?.failures.errors, 5);
  assert.match(errors.failedStep?.reasons[0] ?? '', /error-rate limit of 1 %/);
  const silent = findKnee([...step(100, 6), ...step(200, 6, () => ({ p99Ms: null, achievedPerS: 0 }))], RULE);
  assert.equal(silent.failedStep?.failures['no-replies'], 5);
  const short = findKnee([...step(100, 6), ...step(200, 6, () => ({ achievedPerS: 150 }))], RULE);
  assert.equal(short.failedStep?.targetPerS, 200);
  assert.match(
    short.failedStep?.reasons[0] ?? '',
    /achieved 150\/s on average, below 90 % of the 200\/s target/,
  );
  assert.equal(short.kneePerS, 100);
});

test('a step that passes above the first failing one does not raise the knee', () => {
  const knee = findKnee([...step(100, 6), ...step(200, 6, () => ({ p99Ms: 4000 })), ...step(300, 6)], RULE);
  assert.equal(knee.kneePerS, 100);
  assert.equal(knee.failedStep?.targetPerS, 200);
});

test('no failing step: the knee is a lower bound; the first step failing: no knee; nothing judged: no steps', () => {
  assert.equal(findKnee([...step(100, 6), ...step(200, 6)], RULE).status, 'not-reached');
  const first = findKnee([...step(100, 6, () => ({ p99Ms: 3000 })), ...step(200, 6)], RULE);
  assert.equal(first.status, 'first-step-failed');
  assert.equal(first.kneePerS, null);
  const none = findKnee([...step(100, 3), ...step(200, 2)], RULE);
  assert.equal(none.status, 'no-steps');
  assert.deepEqual(
    none.steps.map((s) => s.verdict),
    ['too-short', 'too-short'],
  );
});

test('idle intervals split steps and a straddling interval becomes its own (unjudged) step', () => {
  const points = [
    ...step(100, 6),
    ...step(0, 2, () => ({ p99Ms: null, achievedPerS: 0 })),
    ...step(150, 1, () => ({ p99Ms: 5000 })),
    ...step(200, 6),
  ];
  const knee = findKnee(points, RULE);
  assert.deepEqual(
    knee.steps.map((s) => [s.targetPerS, s.verdict]),
    [
      [100, 'pass'],
      [150, 'too-short'],
      [200, 'pass'],
    ],
  );
  assert.equal(knee.kneePerS, 200);
});

test('findKnees judges each agent count on its own', () => {
  const two = step(200, 6).map((p) => ({ ...p, agents: 2 }));
  const twoFail = step(400, 6, () => ({ p99Ms: 2000 })).map((p) => ({ ...p, agents: 2 }));
  const knees = findKnees(
    [...two, ...twoFail, ...step(100, 6), ...step(200, 6, () => ({ p99Ms: 2000 }))],
    RULE,
  );
  assert.deepEqual(
    knees.map((k) => [k.agents, k.kneePerS, k.status]),
    [
      [1, 100, 'found'],
      [2, 200, 'found'],
    ],
  );
});

test('a step is judged against the arrivals its schedule drew when they were recorded, not the mean target', () => {
  // Poisson chance drew 15 % fewer arrivals than the 100/s target, and the tenant answered every one of them.
  const unlucky = step(100, 6, () => ({ scheduledPerS: 85, achievedPerS: 85 }));
  const judged = findKnee([...unlucky, ...step(200, 6, () => ({ p99Ms: 5000 }))], RULE);
  assert.equal(judged.steps[0]!.verdict, 'pass');
  assert.equal(judged.steps[0]!.scheduledMeanPerS, 85);
  // The same answers without the record of what was drawn: 85 % of the target fails the 90 % rule.
  const blind = findKnee(
    [...step(100, 6, () => ({ achievedPerS: 85 })), ...step(200, 6, () => ({ p99Ms: 5000 }))],
    RULE,
  );
  assert.equal(blind.steps[0]!.verdict, 'fail');
  // Answering under 90 % of what was drawn fails, and says so against the draw.
  const short = findKnee(
    step(100, 6, () => ({ scheduledPerS: 104, achievedPerS: 90 })),
    RULE,
  );
  assert.equal(short.steps[0]!.verdict, 'fail');
  assert.match(
    short.steps[0]!.reasons.join(' '),
    /below 90 % of the 104\/s the schedule drew \(target 100\/s\)/,
  );
});
