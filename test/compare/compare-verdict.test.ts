import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmtInterval, fmtSignedPct, fmtSignedPp } from '../../src/compare/compare-format.js';
import { statusOf } from '../../src/compare/compare-rule.js';
import type { ScopeSlots } from '../../src/compare/compare-samples.js';
import { poolBlocks } from '../../src/compare/compare-stats.js';
import { DEFAULT_RULES, type MetricComparison } from '../../src/compare/compare-types.js';
import {
  compareScope,
  repliesNeeded,
  type ScopeInput,
  slotsPerUnit,
} from '../../src/compare/compare-verdict.js';
import { OUTCOMES, type Outcome } from '../../src/outcome.js';

const RULES = { ...DEFAULT_RULES, replicates: 200 };

/** `slots` one-second slots, each with the same replies: latencies (µs) → counts, and outcomes beyond success. */
function input(
  slots: number,
  latency: Record<number, number>,
  failures: Partial<Record<Outcome, number>> = {},
  completed?: number,
): ScopeInput {
  const values = Object.keys(latency)
    .map(Number)
    .sort((a, b) => a - b);
  const counts = values.map((v) => latency[v]!);
  const total = counts.reduce((a, b) => a + b, 0);
  const outcomes = new Float64Array(OUTCOMES.length);
  let failed = 0;
  for (const [o, n] of Object.entries(failures)) {
    outcomes[OUTCOMES.indexOf(o as Outcome)] = n;
    failed += n;
  }
  outcomes[OUTCOMES.indexOf('success')] = total - failed;
  const s: ScopeSlots = {
    latency: poolBlocks(Array.from({ length: slots }, () => ({ values, counts }))),
    outcomes: Array.from({ length: slots }, () => outcomes),
    replies: new Float64Array(slots).fill(total),
    total: total * slots,
  };
  return {
    slots: s,
    phases: Array.from({ length: slots }, () => 'steady'),
    durationS: new Float64Array(slots).fill(1),
    rateCounts: new Float64Array(slots).fill(completed ?? total),
    slotS: 1,
  };
}

const BASE = { 10000: 50, 12000: 40, 30000: 10 };
const SLOWER = { 13000: 50, 15600: 40, 39000: 10 };
const tenant = { kind: 'tenant', judged: true, key: 'tenant' } as const;

function byId(ms: readonly MetricComparison[], id: string): MetricComparison {
  const m = ms.find((x) => x.metric === id);
  assert.ok(m, `${id} present`);
  return m;
}

test('the rule: regression only when the whole interval is past the margin on the worse side', () => {
  assert.equal(statusOf(0.34, [0.28, 0.41], 0.1, 1), 'regression');
  assert.equal(statusOf(0.17, [0.05, 0.3], 0.1, 1), 'within-noise');
  assert.equal(statusOf(0.02, [-0.05, 0.08], 0.1, 1), 'ok');
  assert.equal(
    statusOf(0.02, [-0.05, 0.12], 0.1, 1),
    'ok',
    'an interval reaching past the margin is not enough',
  );
  assert.equal(statusOf(-0.2, [-0.3, -0.15], 0.1, 1), 'improved');
  // Throughput: worse is down.
  assert.equal(statusOf(-0.07, [-0.08, -0.06], 0.05, -1), 'regression');
  assert.equal(statusOf(-0.07, [-0.12, -0.02], 0.05, -1), 'within-noise');
  assert.equal(statusOf(0.07, [0.06, 0.08], 0.05, -1), 'improved');
});

test('units hold enough replies: 10 for p50, 100 for p99, counted on a typical slot', () => {
  assert.equal(repliesNeeded(50), 10);
  assert.equal(repliesNeeded(90), 10);
  assert.equal(repliesNeeded(99), 100);
  assert.equal(repliesNeeded(99.9), 1000);
  assert.equal(slotsPerUnit(Float64Array.of(40, 0, 30, 50), 100), 3); // median of 30, 40, 50 is 40 → 3 slots
  assert.equal(slotsPerUnit(Float64Array.of(200, 300), 100), 1);
  assert.equal(slotsPerUnit(Float64Array.of(0, 0), 100), 1);
});

test('two identical runs: every judged figure unchanged, intervals exactly zero, nothing flagged', () => {
  const ms = compareScope(input(40, BASE), input(40, BASE), RULES, tenant);
  for (const m of ms.filter((x) => x.status !== 'not-judged')) {
    assert.equal(m.status, 'ok', m.rule);
    assert.equal(m.change, 0, m.rule);
    assert.deepEqual(m.ci, [0, 0], m.rule);
  }
  const p50 = byId(ms, 'p50');
  assert.equal(p50.baseline, 10);
  assert.equal(p50.rule, 'p50 (typical 1 s) +0 % (95 % CI +0…+0 %) within +10 % allowed → ok');
  assert.equal(byId(ms, 'p99').baseline, 30);
  assert.equal(byId(ms, 'throughput').baseline, 100);
  assert.equal(byId(ms, 'error_rate').baseline, 0);
  assert.ok(
    !ms.some((m) => m.metric.startsWith('errors:')),
    'no error class rows when neither run had errors',
  );
});

test('30 % slower everywhere is a regression of p50 and p99, stated with its interval and margin', () => {
  const ms = compareScope(input(40, BASE), input(40, SLOWER), RULES, tenant);
  const p50 = byId(ms, 'p50');
  const p99 = byId(ms, 'p99');
  assert.equal(p50.candidate, 13);
  assert.equal(p99.candidate, 39);
  for (const m of [p50, p99]) {
    assert.equal(m.status, 'regression');
    assert.ok(Math.abs(m.change! - 0.3) < 1e-9);
    assert.equal(m.allowed, 0.1);
  }
  assert.equal(p50.rule, 'p50 (typical 1 s) +30 % (95 % CI +30…+30 %) > +10 % allowed → regression');
  // Whole-run figures are shown, never judged.
  const run = byId(ms, 'p99_run');
  assert.equal(run.status, 'not-judged');
  assert.equal(run.candidate, 39);
  assert.equal(run.ci, null);
});

test('a throughput drop and an error class that appears are judged on their own margins', () => {
  const ms = compareScope(input(40, BASE), input(40, BASE, { pta_timeout: 2 }, 90), RULES, tenant);
  const tp = byId(ms, 'throughput');
  assert.equal(tp.status, 'regression');
  assert.ok(Math.abs(tp.change! + 0.1) < 1e-9);
  assert.equal(tp.allowed, -0.05);
  assert.match(tp.rule, /^throughput -10 % \(95 % CI -10…-10 %\) < -5 % allowed → regression$/);
  const timeouts = byId(ms, 'errors:pta_timeout');
  assert.equal(timeouts.status, 'regression');
  assert.ok(Math.abs(timeouts.change! - 0.02) < 1e-12);
  assert.match(
    timeouts.rule,
    /^pta_timeout rate \+2 pp \(95 % CI \+2…\+2 pp\) > \+0\.5 pp allowed → regression$/,
  );
  assert.equal(byId(ms, 'error_rate').status, 'regression');
});

test('too few intervals, a scope outside --agent and per-agent throughput are shown but not judged', () => {
  const few = compareScope(input(5, BASE), input(5, SLOWER), RULES, tenant);
  const p50 = byId(few, 'p50');
  assert.equal(p50.status, 'not-judged');
  assert.match(p50.rule, /only 5 units .* at least 10/);
  assert.equal(byId(few, 'throughput').status, 'not-judged');

  const outside = compareScope(input(40, BASE), input(40, SLOWER), RULES, {
    kind: 'agent',
    judged: false,
    key: 'agent:a',
  });
  assert.ok(outside.every((m) => m.status === 'not-judged'));
  assert.match(byId(outside, 'p50').rule, /outside --agent/);

  const agent = compareScope(input(40, BASE), input(40, BASE, {}, 50), RULES, {
    kind: 'agent',
    judged: true,
    key: 'agent:a',
  });
  const replies = byId(agent, 'throughput');
  assert.equal(replies.label, 'replies/s');
  assert.equal(replies.status, 'not-judged');
});

test('the same inputs and seed give the same interval; noisy units give it a width around zero', () => {
  const noisy = (slots: number, salt: number): ScopeInput => {
    const s = input(slots, BASE);
    // About 45 % of the slots are slower (p50 12 ms instead of 10 ms): the typical p50 is 10 ms, but a
    // resample can tip it, so the interval has a width.
    const slow = (i: number) => ((i + salt) * 7919) % 11 < 5;
    const blocks = s.slots.latency.blocks.map((b, i) =>
      slow(i) ? { at: b.at, counts: Float64Array.from(b.counts, (c, j) => (j === 0 ? c - 45 : c)) } : b,
    );
    return { ...s, slots: { ...s.slots, latency: { grid: s.slots.latency.grid, blocks } } };
  };
  const one = byId(compareScope(noisy(40, 0), noisy(40, 3), RULES, tenant), 'p50');
  const two = byId(compareScope(noisy(40, 0), noisy(40, 3), RULES, tenant), 'p50');
  assert.deepEqual(one.ci, two.ci);
  assert.equal(one.status, 'ok');
  assert.ok(one.ci![1] - one.ci![0] > 0, 'noise gives the interval a width');
  assert.ok(one.ci![0] < 0 && one.ci![1] > 0, 'and it spans no change');
});

test('changes print signed, with the unit once at the end of an interval', () => {
  assert.equal(fmtSignedPct(0.34), '+34 %');
  assert.equal(fmtSignedPct(-0.031), '-3.1 %');
  assert.equal(fmtSignedPct(0.0042), '+0.42 %');
  assert.equal(fmtSignedPp(0.005), '+0.5 pp');
  assert.equal(fmtInterval([0.28, 0.41], 'relative'), '+28…+41 %');
  assert.equal(fmtInterval([-0.0005, 0.012], 'points'), '-0.05…+1.2 pp');
});
