import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeCounters } from '../../src/metrics/counters.js';
import { createHistogram, encodeHistogram, type Histogram } from '../../src/metrics/histogram.js';
import { IntervalMerger } from '../../src/metrics/merge.js';
import { latencySummaryMs } from '../../src/metrics/percentiles.js';
import { IntervalRecorder } from '../../src/metrics/recorder.js';
import type { SeriesTag } from '../../src/metrics/types.js';
import type { Outcome } from '../../src/outcome.js';
import { latencySampler, seededRandom } from './seeded-random.js';

const AGENTS = ['agent-1', 'agent-2', 'agent-3'];
const OUTCOMES: Outcome[] = ['success', 'invalid_credentials', 'pta_timeout'];

test('recorder → snapshot → merge equals recording everything into one histogram, series by series', () => {
  const workers = [new IntervalRecorder(), new IntervalRecorder(), new IntervalRecorder()];
  const direct = new Map<string, Histogram>();
  const pick = seededRandom(3);
  const latency = latencySampler(5);
  for (let i = 0; i < 20_000; i++) {
    const agent = AGENTS[Math.floor(pick() * AGENTS.length)]!;
    const outcome = OUTCOMES[Math.floor(pick() * OUTCOMES.length)]!;
    const v = latency();
    workers[i % workers.length]!.record(agent, outcome, v);
    const tag = `${agent}/${outcome}`;
    if (!direct.has(tag)) direct.set(tag, createHistogram());
    direct.get(tag)!.recordValue(v);
  }
  const merger = new IntervalMerger([0, 1, 2]);
  assert.deepEqual(merger.accept(workers[0]!.snapshot(0, 0)), []);
  assert.deepEqual(merger.accept(workers[2]!.snapshot(2, 0)), []);
  const [merged, ...rest] = merger.accept(workers[1]!.snapshot(1, 0));
  assert.equal(rest.length, 0);
  assert.ok(merged);
  assert.equal(merged.index, 0);
  assert.deepEqual(merged.workers, [0, 1, 2]);
  assert.deepEqual(merged.missingWorkers, []);
  assert.equal(merged.counters.completed, 20_000);
  assert.deepEqual([...merged.histograms.keys()].sort(), [...direct.keys()].sort());
  for (const [tag, expected] of direct) {
    const got: Histogram = merged.histograms.get(tag as SeriesTag)!;
    assert.equal(got.totalCount, expected.totalCount, tag);
    assert.deepEqual(latencySummaryMs(got), latencySummaryMs(expected), tag);
    assert.equal(encodeHistogram(got), encodeHistogram(expected), `${tag}: identical buckets`);
  }
});

test('two workers reporting the same series add their counts and counters', () => {
  const a = new IntervalRecorder();
  const b = new IntervalRecorder();
  for (let i = 0; i < 30; i++) a.record('agent-1', 'success', 1000);
  for (let i = 0; i < 12; i++) b.record('agent-1', 'success', 90_000);
  a.noteSent(100, false);
  b.noteSent(7000, true);
  a.noteCode(50126);
  b.noteCode(50126);
  b.noteCode(80001);
  a.setInFlight(3);
  b.setInFlight(5);
  const merger = new IntervalMerger([1, 2]);
  merger.accept(a.snapshot(1, 0));
  const [merged] = merger.accept(b.snapshot(2, 0));
  assert.ok(merged);
  const h = merged.histograms.get('agent-1/success')!;
  assert.equal(h.totalCount, 42);
  assert.ok(h.getValueAtPercentile(50) < 1100, 'most values are the 1 ms ones');
  assert.ok(h.getValueAtPercentile(99) > 89_000, 'the slow worker shows in the tail');
  assert.deepEqual(merged.counters, {
    sent: 2,
    completed: 42,
    lateStarts: 1,
    maxSlipUs: 7000,
    inFlight: 8,
    codes: { '50126': 2, '80001': 1 },
    clamped: 0,
    saturated: 0,
  });
});

test('intervals are emitted in index order, a later one waiting for an earlier one', () => {
  const merger = new IntervalMerger([1]);
  const r = new IntervalRecorder();
  const s0 = r.snapshot(1, 0);
  const s1 = r.snapshot(1, 1);
  assert.deepEqual(merger.accept(s1), []);
  assert.deepEqual(
    merger.accept(s0).map((m) => m.index),
    [0, 1],
  );
  assert.equal(merger.nextIndex, 2);
});

test('a missing worker: flushUpTo emits what is there and names who was missing', () => {
  const merger = new IntervalMerger([1, 2]);
  const r1 = new IntervalRecorder();
  r1.record('agent-1', 'success', 500);
  r1.noteSent(0, false);
  assert.deepEqual(merger.accept(r1.snapshot(1, 0)), []);
  const flushed = merger.flushUpTo(1);
  assert.deepEqual(
    flushed.map((m) => [m.index, m.workers, m.missingWorkers, m.counters.sent]),
    [
      [0, [1], [2], 1],
      [1, [], [1, 2], 0],
    ],
    'an interval nobody reported is still emitted, empty, so indices stay contiguous',
  );
  const late = new IntervalRecorder();
  late.noteSent(0, false);
  late.record('agent-2', 'success', 700);
  assert.deepEqual(merger.accept(late.snapshot(2, 0)), [], 'too late: interval 0 is gone');
  assert.deepEqual(merger.losses, { late: 1, duplicate: 0, sent: 1, completed: 1 });
});

test('a crashed worker replaced: removing it completes pending intervals; the newcomer is awaited from its start', () => {
  const merger = new IntervalMerger([1, 2]);
  const r1 = new IntervalRecorder();
  merger.accept(r1.snapshot(1, 0));
  merger.accept(r1.snapshot(1, 1));
  const emitted = merger.expectWorkers([1, 3], 2);
  assert.deepEqual(
    emitted.map((m) => [m.index, m.missingWorkers]),
    [
      [0, []],
      [1, []],
    ],
  );
  assert.deepEqual(merger.accept(r1.snapshot(1, 2)), [], 'worker 3 is expected from interval 2');
  const r3 = new IntervalRecorder();
  assert.deepEqual(
    merger.accept(r3.snapshot(3, 2)).map((m) => m.workers),
    [[1, 3]],
  );
});

test('a duplicate snapshot is not counted twice', () => {
  const merger = new IntervalMerger([1, 2]);
  const r = new IntervalRecorder();
  r.noteSent(0, false);
  const snap = r.snapshot(1, 0);
  merger.accept(snap);
  merger.accept(snap);
  const [merged] = merger.flushAll();
  assert.equal(merged?.counters.sent, 1);
  assert.equal(merger.losses.duplicate, 1);
});

test('flushAll emits through the highest pending index', () => {
  const merger = new IntervalMerger([1, 2]);
  const r = new IntervalRecorder();
  merger.accept({ ...r.snapshot(1, 0) });
  merger.accept({ ...r.snapshot(1, 3) });
  assert.deepEqual(
    merger.flushAll().map((m) => m.index),
    [0, 1, 2, 3],
  );
  assert.deepEqual(merger.flushAll(), []);
});

test('mergeCounters adds counts, keeps the worst slip and treats absent clamped and saturated as 0', () => {
  const merged = mergeCounters(
    { sent: 5, completed: 4, lateStarts: 1, maxSlipUs: 300, inFlight: 1, codes: { '50126': 1 } },
    {
      sent: 2,
      completed: 2,
      lateStarts: 0,
      maxSlipUs: 900,
      inFlight: 0,
      codes: { '50126': 2, '80002': 1 },
      clamped: 3,
      saturated: 4,
    },
  );
  assert.deepEqual(merged, {
    sent: 7,
    completed: 6,
    lateStarts: 1,
    maxSlipUs: 900,
    inFlight: 1,
    codes: { '50126': 3, '80002': 1 },
    clamped: 3,
    saturated: 4,
  });
});

test('recycled histograms come back empty: the next interval holds only its own values', () => {
  const merger = new IntervalMerger([1]);
  const r = new IntervalRecorder();
  for (let i = 0; i < 100; i++) r.record('agent-1', 'success', 90_000);
  const [first] = merger.accept(r.snapshot(1, 0));
  assert.ok(first);
  const reused = first.histograms.get('agent-1/success');
  merger.recycle(first);
  assert.equal(
    first.histograms.size,
    0,
    'a recycled interval is emptied so nobody reads reused histograms through it',
  );
  r.record('agent-1', 'success', 1000);
  const [second] = merger.accept(r.snapshot(1, 1));
  const h = second?.histograms.get('agent-1/success');
  assert.equal(h, reused, 'the histogram was reused');
  assert.equal(h?.totalCount, 1);
  assert.ok(h!.getValueAtPercentile(100) < 1100);
});
