import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAILOVER_RULES } from '../../src/analysis/failover.js';
import { analyse, buildSummary } from '../../src/analysis/summary.js';
import { ERROR_OUTCOMES, OUTCOMES } from '../../src/outcome.js';
import { parseThreshold } from '../../src/profile/thresholds.js';
import type { TimelineRecord } from '../../src/results/run-info.js';
import { CRASH_AT_MS, fromRaw, INTERVALS, syntheticRun, TIMEOUT_INTERVALS } from '../report/fixture.js';

const ms = (us: number) => Math.round(us) / 1000;

function thresholds(...texts: string[]) {
  return texts.map((t) => {
    const parsed = parseThreshold(t);
    assert.ok(parsed.ok, t);
    return parsed.threshold;
  });
}

test('tenant and per-agent percentiles are those of all the run’s values merged', () => {
  const { run, intervals, raw } = syntheticRun();
  const s = buildSummary(run, intervals);
  const all = fromRaw([...raw.values()].flat());
  assert.equal(s.latencyMs.tenant.count, all.totalCount);
  for (const [key, p] of [
    ['p50', 50],
    ['p90', 90],
    ['p99', 99],
    ['p999', 99.9],
    ['max', 100],
  ] as const) {
    assert.equal(s.latencyMs.tenant[key], ms(all.getValueAtPercentile(p)), key);
  }
  const success = fromRaw([...raw].filter(([t]) => t.endsWith('/success')).flatMap(([, v]) => v));
  assert.equal(s.latencyMs.tenantSuccess.p99, ms(success.getValueAtPercentile(99)));
  assert.ok(s.latencyMs.tenantSuccess.p99! < 100, 'successes never waited for the dead agent');
  for (const agent of ['agent-1', 'agent-2', 'agent-3', 'agent-4']) {
    const mine = fromRaw([...raw].filter(([t]) => t.startsWith(`${agent}/`)).flatMap(([, v]) => v));
    assert.equal(s.latencyMs.agents[agent]!.count, mine.totalCount, agent);
    assert.equal(s.latencyMs.agents[agent]!.p99, ms(mine.getValueAtPercentile(99)), agent);
  }
  assert.equal(s.latencyMs.agents.tenant, undefined, 'the unattributed key is not an agent');
});

test('counts: every outcome listed (zeros too), codes summed, shares of agent-attributed replies', () => {
  const { run, intervals, raw } = syntheticRun();
  const s = buildSummary(run, intervals);
  assert.deepEqual(Object.keys(s.requests.byOutcome), [...OUTCOMES]);
  const count = (suffix: string) =>
    [...raw].filter(([t]) => t.endsWith(suffix)).reduce((n, [, v]) => n + v.length, 0);
  assert.equal(s.requests.byOutcome.pta_timeout, count('/pta_timeout'));
  assert.equal(s.requests.byOutcome.locked, 0);
  assert.equal(s.requests.sent, 100 * INTERVALS);
  assert.equal(
    s.requests.completed,
    [...raw.values()].reduce((n, v) => n + v.length, 0),
  );
  assert.equal(s.requests.inFlightAtEnd, 4);
  assert.equal(s.requests.unattributed, count('/throttled'));
  const errors = ERROR_OUTCOMES.reduce((n, o) => n + count(`/${o}`), 0);
  assert.equal(s.requests.errors, errors);
  assert.equal(s.requests.errorRate, errors / s.requests.completed);
  assert.deepEqual(s.codes, { '50126': 2 * INTERVALS, '80002': 10 * TIMEOUT_INTERVALS.length });
  const attributed = s.requests.completed - s.requests.unattributed;
  let shares = 0;
  for (const [name, a] of Object.entries(s.agents)) {
    const mine = [...raw].filter(([t]) => t.startsWith(`${name}/`)).reduce((n, [, v]) => n + v.length, 0);
    assert.equal(a.requests, mine, name);
    assert.equal(a.share, Math.round((mine / attributed) * 1000) / 1000, name);
    shares += a.share;
  }
  assert.ok(Math.abs(shares - 1) < 0.01);
  assert.equal(s.agents['agent-2']!.firstSeenS, 0);
  assert.equal(s.agents['agent-2']!.lastSeenS, 21, 'its last 80002 came back in the interval ending at 21 s');
  assert.equal(s.agents['agent-3']!.site, 'dc2');
  assert.equal(s.durationS, INTERVALS);
  assert.equal(s.throughput.targetPerS, 100);
  assert.equal(s.throughput.achievedPerS, Math.round((s.requests.completed / INTERVALS) * 1000) / 1000);
  assert.equal(s.throughput.peakIntervalPerS, 109);
  assert.equal(s.throughput.peakIntervalAtS, TIMEOUT_INTERVALS[0]);
  assert.deepEqual(s.schedule, { lateStarts: 2, maxSlipMs: 7.5, clamped: 0 });
  assert.deepEqual(
    s.phases.map((p) => [p.name, p.startS, p.endS, p.targetPerS]),
    [
      ['warm-up', 0, 10, 100],
      ['steady', 10, 40, 100],
    ],
  );
});

test('thresholds: pass, fail, the worst agent for each-agent, and a missing agent is a failure with a reason', () => {
  const { run, intervals, raw } = syntheticRun();
  const s = buildSummary(
    run,
    intervals,
    thresholds(
      'p99 < 20s',
      'p99 < 100ms',
      'each-agent: p99 < 100ms',
      'agent-9: p50 < 1s',
      'rate(pta_timeout) < 0.5%',
      'error_rate < 5%',
      'throughput >= 95%',
      'agent-1: max < 1s',
    ),
  );
  const by = new Map(s.thresholds.map((t) => [t.expression, t]));
  const all = fromRaw([...raw.values()].flat());
  assert.equal(by.get('p99 < 20s')!.ok, true);
  assert.equal(by.get('p99 < 20s')!.value, ms(all.getValueAtPercentile(99)));
  assert.equal(by.get('p99 < 100ms')!.ok, false);
  const each = by.get('each-agent: p99 < 100ms')!;
  assert.equal(each.ok, false);
  assert.equal(each.agent, 'agent-2');
  const missing = by.get('agent-9: p50 < 1s')!;
  assert.equal(missing.ok, false);
  assert.equal(missing.value, null);
  assert.match(missing.reason!, /agent-9 served no replies/);
  const timeouts = by.get('rate(pta_timeout) < 0.5%')!;
  assert.equal(timeouts.value, s.requests.byOutcome.pta_timeout / s.requests.completed);
  assert.equal(timeouts.ok, timeouts.value! < 0.005);
  assert.equal(by.get('error_rate < 5%')!.ok, s.requests.errorRate! < 0.05);
  assert.equal(by.get('throughput >= 95%')!.value, s.throughput.achievedPerS / s.throughput.targetPerS);
  assert.equal(by.get('agent-1: max < 1s')!.ok, true);
  assert.equal(s.passed, false);
  assert.equal(buildSummary(run, intervals, thresholds('p99 < 20s')).passed, true);
});

test('failover figures for a crash: baseline, worst p99, errors by class, recovery time, the dead agent’s 80002s', () => {
  const { run, intervals, rawByInterval } = syntheticRun();
  const s = buildSummary(run, intervals);
  assert.equal(s.events.length, 1);
  const e = s.events[0]!;
  assert.equal(e.atS, CRASH_AT_MS / 1000);
  assert.deepEqual(e.affectedAgents, ['agent-2']);
  const p99 = (i: number) => ms(fromRaw([...rawByInterval[i]!.values()].flat()).getValueAtPercentile(99));
  const before = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map(p99).sort((a, b) => a - b);
  const baseline = (before[4]! + before[5]!) / 2;
  assert.equal(e.baselineP99Ms, baseline);
  assert.equal(e.toleranceMs, Math.round(Math.max(1.25 * baseline, baseline + 50) * 1000) / 1000);
  assert.equal(e.worstP99Ms, Math.max(...TIMEOUT_INTERVALS.map(p99)));
  assert.ok(e.worstP99Ms! >= 10_000);
  // The last interval over tolerance is the last one with 80002s: it ends at 21 s, 6 s after the crash.
  assert.equal(e.recoveryS, TIMEOUT_INTERVALS.at(-1)! + 1 - CRASH_AT_MS / 1000);
  const windowIntervals = INTERVALS - CRASH_AT_MS / 1000;
  assert.deepEqual(e.errorsByClass, {
    pta_timeout: 10 * TIMEOUT_INTERVALS.length,
    throttled: windowIntervals,
  });
  assert.equal(e.errors, 10 * TIMEOUT_INTERVALS.length + windowIntervals);
  assert.deepEqual(e.lostAgents, [
    { agent: 'agent-2', ptaTimeout: 50, ptaOther: 0, served: 0, lastServedS: null },
  ]);
  assert.equal(e.windowEndS, INTERVALS);
});

test('failover: no recovery inside the window is null; no baseline before the event is null too', () => {
  const { run, intervals } = syntheticRun();
  // Make the 80002s last until the end: the tenant never gets back within tolerance.
  const tail = intervals.map(({ record, histograms }, i) => {
    if (i <= 20) return { record, histograms };
    return { record, histograms: new Map([...histograms, ...intervals[16]!.histograms].filter(([t]) => t)) };
  });
  const never = buildSummary(run, tail).events[0]!;
  assert.equal(never.recoveryS, null);
  assert.ok(never.baselineP99Ms !== null);

  const early = syntheticRun({
    timeline: [{ atMs: 0, action: 'degrade', agent: 'agent-1', detail: { slowFactor: 3 }, ok: true }],
  });
  const e = buildSummary(early.run, early.intervals).events[0]!;
  assert.equal(e.baselineP99Ms, null);
  assert.equal(e.recoveryS, null);
  assert.equal(e.windowEndS, Math.min(FAILOVER_RULES.windowMaxS, INTERVALS));
});

test('failover: an event a millisecond early does not borrow the interval before it; a lost agent’s count stops at its return', () => {
  const { run, intervals } = syntheticRun();
  const rejoin = 19_000;
  const timeline: TimelineRecord[] = [
    { ...run.timeline[0]!, appliedAtMs: CRASH_AT_MS - 1 },
    {
      atMs: rejoin,
      appliedAtMs: rejoin,
      action: 'add',
      agent: 'agent-2',
      detail: { agents: ['agent-2'] },
      ok: true,
    },
  ];
  const e = buildSummary({ ...run, timeline }, intervals).events[0]!;
  assert.equal(e.atS, 14.999);
  // Interval 14 (before the crash, where agent-2 still served) is not "after"; 80002s from 19 s on are not counted.
  assert.deepEqual(e.lostAgents, [
    { agent: 'agent-2', ptaTimeout: 30, ptaOther: 0, served: 0, lastServedS: null },
  ]);
  assert.equal(e.recoveryS, 6.001);

  // A run stopped mid-interval: its short last interval (often only the drain) is not judged for recovery.
  const cut = intervals.slice(0, 25);
  const last = cut[24]!;
  cut[24] = {
    record: { ...last.record, endMs: last.record.startMs + 100 },
    histograms: new Map([...last.histograms, ...intervals[16]!.histograms]),
  };
  const stopped = buildSummary({ ...run, status: 'interrupted' }, cut).events[0]!;
  assert.equal(stopped.recoveryS, 6);
});

test('notes: interrupted runs, missing intervals and counters that disagree with the histograms', () => {
  const { run, intervals } = syntheticRun({ status: 'interrupted', notes: ['worker 1 replaced at 3 s'] });
  const gappy = intervals.filter((x) => x.record.index !== 7 && x.record.index !== 8);
  gappy[0] = { ...gappy[0]!, record: { ...gappy[0]!.record, completed: gappy[0]!.record.completed + 5 } };
  const a = analyse(run, gappy, [], ['intervals.hlog line 9: incomplete last line']);
  const notes = a.summary.notes.join('\n');
  assert.match(notes, /Interrupted at 40 s/);
  assert.match(notes, /worker 1 replaced at 3 s/);
  assert.match(notes, /2 interval\(s\) missing/);
  assert.match(notes, /counters say \d+ replies but the histograms hold \d+/);
  assert.match(notes, /incomplete last line/);
  assert.equal(a.series.length, INTERVALS - 2);
});

test('an empty run summarises to zeros and nulls, not NaN', () => {
  const { run } = syntheticRun({
    status: 'failed',
    failure: { code: 'TARGET_UNREACHABLE', message: 'no route' },
  });
  const s = buildSummary(run, [], thresholds('p99 < 1s'));
  assert.equal(s.durationS, 0);
  assert.equal(s.latencyMs.tenant.p99, null);
  assert.equal(s.requests.errorRate, null);
  assert.equal(s.thresholds[0]!.ok, false);
  assert.match(s.notes.join(' '), /failed after 0 s: TARGET_UNREACHABLE: no route/);
  assert.doesNotMatch(JSON.stringify(s), /NaN|Infinity/);
});
