import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findKnee, type KneePoint, kneeRule } from '../../src/capacity/knee.js';
import { nextProbe } from '../../src/capacity/knee-probe.js';

const RULE = kneeRule(1000, 0.01);

/**
 * A tenant with a hard capacity: it answers min(asked, capacity); a hold asked up to `hidden` above capacity still
 * keeps its p99 (a short hold hides a slowly growing queue), anything more breaks it.
 */
function interval(target: number, capacity: number, hidden = 0.05): KneePoint {
  return {
    agents: 1,
    targetPerS: target,
    achievedPerS: Math.min(target, capacity),
    p99Ms: target <= capacity * (1 + hidden) ? 50 : 3000,
    errorRate: 0,
  };
}

function held(target: number, capacity: number, hidden = 0.05): KneePoint[] {
  return Array.from({ length: 6 }, () => interval(target, capacity, hidden));
}

const GAP: KneePoint = { agents: 1, targetPerS: 0, achievedPerS: 0, p99Ms: null, errorRate: 0 };

function ramp(start: number, increment: number, until: number, capacity: number, hidden = 0.05): KneePoint[] {
  const out: KneePoint[] = [];
  for (let t = start; t <= until + 1e-9; t += increment) out.push(...held(t, capacity, hidden));
  return out;
}

/** The sweep's loop over synthetic intervals: probe, append the probe's run (lead-in ramp, hold), judge again. */
function bisect(points: KneePoint[], capacity: number, hidden = 0.05, within = 0.02, probes = 6) {
  const tried: { rate: number; lower: number; upper: number }[] = [];
  for (;;) {
    const knee = findKnee(points, RULE);
    const next = nextProbe(knee, within);
    if (next.kind === 'done' || tried.length >= probes) return { knee, next, tried };
    tried.push({ rate: next.ratePerS, lower: next.bracket.lowerPerS, upper: next.bracket.upperPerS });
    const lead = Array.from({ length: 6 }, (_, i) =>
      interval(next.leadFromPerS + ((next.leadToPerS - next.leadFromPerS) * i) / 5, capacity, hidden),
    );
    points = [...points, GAP, ...lead, ...held(next.ratePerS, capacity, hidden)];
  }
}

for (const [capacity, start, increment, hidden] of [
  [350, 100, 100, 0.05],
  [350, 100, 100, 0],
  [137, 50, 40, 0.05],
  [2777, 400, 400, 0.05],
  [2777, 400, 400, 0],
  [1049, 100, 250, 0],
  [1049, 100, 160, 0.05],
] as const) {
  test(`bisection narrows a ${increment}/s-step knee around a capacity of ${capacity}/s to within 2 % (${hidden * 100} % overload hidden)`, () => {
    const points = ramp(start, increment, capacity * 3, capacity, hidden);
    const coarse = findKnee(points, RULE);
    const { knee, next, tried } = bisect(points, capacity, hidden);
    assert.equal(knee.status, 'found');
    assert.equal(
      tried.length > 0,
      coarse.errorShare! > 0.02,
      'probes exactly when the steps left more than 2 % open',
    );
    // Every probe lies inside the bracket it split, and the bound above never rises.
    let upper = coarse.upperPerS!;
    for (const t of tried) {
      assert.ok(t.rate > t.lower && t.rate < t.upper, `${t.rate} inside (${t.lower}, ${t.upper})`);
      assert.ok(t.upper <= upper + 1e-9, `upper ${t.upper} ≤ ${upper}`);
      upper = t.upper;
    }
    // The stated bracket holds the true capacity, and is narrow.
    assert.ok(knee.kneePerS! <= capacity + 1e-9, `knee ${knee.kneePerS} ≤ ${capacity}`);
    assert.ok(knee.upperPerS! >= capacity - 1e-9, `upper ${knee.upperPerS} ≥ ${capacity}`);
    assert.ok(
      knee.errorShare! <= 0.02 + 1e-9,
      `error ${knee.errorShare} ≤ 2 % (${next.kind === 'done' ? next.why : ''})`,
    );
    if (tried.length > 0) assert.ok(knee.errorShare! < coarse.errorShare!, 'narrower than the steps alone');
  });
}

test('a ramp whose first step already fails probes below it, at half the step, until one passes', () => {
  const capacity = 300;
  const points = ramp(800, 100, 1000, capacity);
  assert.equal(findKnee(points, RULE).status, 'first-step-failed');
  const { knee, tried } = bisect(points, capacity);
  assert.equal(tried[0]!.rate, 150, 'between nothing (0) and what the failing step answered (300)');
  assert.equal(tried[0]!.lower, 0);
  assert.equal(knee.status, 'found');
  assert.ok(knee.kneePerS! <= capacity && knee.upperPerS! >= capacity);
});

test('a ramp that never failed gives no probe: capacity lies above it', () => {
  const next = nextProbe(findKnee(ramp(100, 100, 500, 10_000), RULE), 0.02);
  assert.equal(next.kind, 'done');
  assert.match(next.kind === 'done' ? next.why : '', /above the ramp; raise its `until`/);
});

test('nothing judged gives no probe', () => {
  const next = nextProbe(findKnee([interval(100, 50)], RULE), 0.02);
  assert.equal(next.kind, 'done');
  assert.equal(next.bracket, null);
});

test('a knee already within the limit is not probed', () => {
  const next = nextProbe(findKnee(ramp(340, 10, 400, 350), RULE), 0.05);
  assert.equal(next.kind, 'done');
  assert.match(next.kind === 'done' ? next.why : '', /known to within/);
});

test('the bound above the knee is what the failing step answered, unless that is below the knee', () => {
  // Failing at 400/s while answering 350/s: capacity lies below 350/s, not just below 400/s.
  const saturated = findKnee([...held(300, 350), ...held(400, 350)], RULE);
  assert.equal(saturated.upperPerS, 350);
  // Failing on p99 while answering all it was asked: the target is the bound.
  const slow = findKnee([...held(300, 1000), ...held(400, 1000).map((p) => ({ ...p, p99Ms: 3000 }))], RULE);
  assert.equal(slow.upperPerS, 400);
  // Answering less than the knee (throughput lost under overload): nothing learnt, the target is kept.
  const collapsed = findKnee(
    [...held(300, 1000), ...held(400, 1000).map((p) => ({ ...p, achievedPerS: 120, p99Ms: 3000 }))],
    RULE,
  );
  assert.equal(collapsed.upperPerS, 400);
});
