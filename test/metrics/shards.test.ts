import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResultsError } from '../../src/errors.js';
import { createHistogram, encodeHistogram, type Histogram } from '../../src/metrics/histogram.js';
import { mergeIntervalRecords, mergeShards, type ShardRun } from '../../src/metrics/shards.js';
import type { IntervalCounters, IntervalRecord, SeriesTag } from '../../src/metrics/types.js';

function hist(...values: number[]): Histogram {
  const h = createHistogram();
  for (const v of values) h.recordValue(v);
  return h;
}

function counters(sent: number, extra: Partial<IntervalCounters> = {}): IntervalCounters {
  return { sent, completed: sent, lateStarts: 0, maxSlipUs: 0, inFlight: 0, codes: {}, ...extra };
}

function shard(label: string, intervalMs: number, intervals: [number, number, Histogram][]): ShardRun {
  return {
    label,
    intervalMs,
    intervals: intervals.map(([index, sent, h]) => ({
      index,
      counters: counters(sent),
      histograms: new Map<SeriesTag, Histogram>([['agent-1/success', h]]),
    })),
  };
}

test('shards merge by interval index: histograms add exactly, counters add, indices only one shard has survive', () => {
  const a = shard('results/a', 1000, [
    [0, 2, hist(1000, 2000)],
    [1, 1, hist(3000)],
  ]);
  const b = shard('results/b', 1000, [
    [0, 1, hist(5000)],
    [2, 1, hist(7000)],
  ]);
  const before = encodeHistogram(a.intervals[0]!.histograms.get('agent-1/success')!);
  const merged = mergeShards([a, b]);
  assert.equal(merged.intervalMs, 1000);
  assert.deepEqual(
    merged.intervals.map((i) => [i.index, i.counters.sent, i.shards]),
    [
      [0, 3, ['results/a', 'results/b']],
      [1, 1, ['results/a']],
      [2, 1, ['results/b']],
    ],
  );
  const zero = merged.intervals[0]!.histograms.get('agent-1/success')!;
  assert.equal(encodeHistogram(zero), encodeHistogram(hist(1000, 2000, 5000)));
  assert.equal(
    encodeHistogram(a.intervals[0]!.histograms.get('agent-1/success')!),
    before,
    'inputs untouched',
  );
});

test('shards with different interval lengths are refused with a ResultsError naming both', () => {
  const a = shard('results/a', 1000, [[0, 1, hist(1)]]);
  const b = shard('results/b', 5000, [[0, 1, hist(1)]]);
  assert.throws(
    () => mergeShards([a, b]),
    (err: unknown) =>
      err instanceof ResultsError && /results\/b.*5000 ms.*results\/a.*1000 ms/.test(err.message),
  );
  assert.throws(() => mergeShards([]), ResultsError);
});

test('a shard with an interval twice is refused', () => {
  const a = shard('results/a', 1000, [
    [0, 1, hist(1)],
    [0, 1, hist(2)],
  ]);
  assert.throws(() => mergeShards([a]), /results\/a: interval 0 appears twice/);
});

test('interval records of one index merge: counts add, span covers all, rates add, agents unite', () => {
  const base = { index: 4, codes: {}, lateStarts: 0, inFlight: 1 };
  const r1: IntervalRecord = {
    ...base,
    sent: 10,
    completed: 9,
    maxSlipUs: 100,
    startMs: 4000,
    endMs: 5000,
    targetRate: 10,
    activeAgents: ['agent-2', 'agent-1'],
    phase: 'burst',
  };
  const r2: IntervalRecord = {
    ...r1,
    sent: 12,
    completed: 12,
    maxSlipUs: 50,
    startMs: 4010,
    endMs: 5012,
    activeAgents: ['agent-3'],
  };
  const m = mergeIntervalRecords([r1, r2]);
  assert.equal(m.sent, 22);
  assert.equal(m.completed, 21);
  assert.equal(m.inFlight, 2);
  assert.equal(m.maxSlipUs, 100);
  assert.equal(m.startMs, 4000);
  assert.equal(m.endMs, 5012);
  assert.equal(m.targetRate, 20);
  assert.deepEqual(m.activeAgents, ['agent-1', 'agent-2', 'agent-3']);
  assert.equal(m.phase, 'burst');
  assert.throws(() => mergeIntervalRecords([r1, { ...r2, index: 5 }]), ResultsError);
});
