import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram, encodeHistogram, type Histogram } from '../../src/metrics/histogram.js';
import { IntervalMerger, type MergedInterval } from '../../src/metrics/merge.js';
import { latencySummaryMs } from '../../src/metrics/percentiles.js';
import { IntervalRecorder } from '../../src/metrics/recorder.js';
import { addHistograms, rollup, totals } from '../../src/metrics/totals.js';
import type { SeriesTag } from '../../src/metrics/types.js';
import { latencySampler, seededRandom } from './seeded-random.js';

function hist(...values: number[]): Histogram {
  const h = createHistogram();
  for (const v of values) h.recordValue(v);
  return h;
}

test('addHistograms is exact and leaves its inputs alone', () => {
  const a = hist(1000, 2000, 3000);
  const b = hist(4000, 5000);
  const before = encodeHistogram(a);
  const sum = addHistograms([a, b]);
  assert.equal(sum.totalCount, 5);
  assert.equal(encodeHistogram(sum), encodeHistogram(hist(1000, 2000, 3000, 4000, 5000)));
  assert.equal(encodeHistogram(a), before);
});

test('rollup sums per agent, per outcome and overall, optionally for some outcomes only', () => {
  const series = new Map<SeriesTag, Histogram>([
    ['agent-1/success', hist(1000, 1000)],
    ['agent-1/pta_timeout', hist(9_000_000)],
    ['agent-2/success', hist(2000)],
    ['tenant/success', hist(3000)],
  ]);
  const r = rollup(series);
  assert.equal(r.all.totalCount, 5);
  assert.equal(r.byAgent.get('agent-1')?.totalCount, 3);
  assert.equal(r.byAgent.get('tenant')?.totalCount, 1);
  assert.equal(r.byOutcome.get('success')?.totalCount, 4);
  assert.equal(r.byOutcome.get('pta_timeout')?.totalCount, 1);
  const ok = rollup(series, ['success']);
  assert.equal(ok.all.totalCount, 4);
  assert.equal(ok.byAgent.get('agent-1')?.totalCount, 2);
  assert.equal(ok.byOutcome.has('pta_timeout'), false);
});

test('run totals over many intervals equal one histogram of everything; in-flight is the last level', () => {
  const workers = [new IntervalRecorder(), new IntervalRecorder()];
  const merger = new IntervalMerger([0, 1]);
  const everything = createHistogram(64);
  const agent1 = createHistogram(64);
  const pick = seededRandom(9);
  const latency = latencySampler(10, 50_000);
  const intervals: MergedInterval[] = [];
  let sent = 0;
  for (let index = 0; index < 5; index++) {
    for (let i = 0; i < 2000; i++) {
      const w = workers[i % 2]!;
      const agent = pick() < 0.5 ? 'agent-1' : 'agent-2';
      const v = latency();
      w.noteSent(0, false);
      sent++;
      w.record(agent, pick() < 0.9 ? 'success' : 'invalid_credentials', v);
      everything.recordValue(v);
      if (agent === 'agent-1') agent1.recordValue(v);
    }
    workers[0]!.setInFlight(index);
    workers[1]!.setInFlight(10);
    for (const [id, w] of workers.entries()) intervals.push(...merger.accept(w.snapshot(id, index)));
  }
  assert.equal(intervals.length, 5);
  const run = totals(intervals);
  assert.equal(run.intervals, 5);
  assert.equal(run.counters.sent, sent);
  assert.equal(run.counters.completed, sent);
  assert.equal(run.counters.inFlight, 4 + 10);
  assert.equal(encodeHistogram(run.all), encodeHistogram(everything));
  assert.equal(encodeHistogram(run.byAgent.get('agent-1')!), encodeHistogram(agent1));
  const success = run.byOutcome.get('success')!.totalCount;
  const invalid = run.byOutcome.get('invalid_credentials')!.totalCount;
  assert.equal(success + invalid, sent);
  let seriesSum = 0;
  for (const h of run.series.values()) seriesSum += h.totalCount;
  assert.equal(seriesSum, sent);
  assert.deepEqual(latencySummaryMs(run.all), latencySummaryMs(everything));
});
