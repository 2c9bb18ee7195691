import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  HIGHEST_US,
} from '../../src/metrics/histogram.js';
import { IntervalRecorder } from '../../src/metrics/recorder.js';
import { latencySampler } from './seeded-random.js';

test('a snapshot carries one encoded histogram per recorded (agent, outcome) and the interval counters', () => {
  const recorder = new IntervalRecorder();
  recorder.record('agent-1', 'success', 1200);
  recorder.record('agent-1', 'success', 1800);
  recorder.record('agent-2', 'pta_timeout', 20_000_000);
  recorder.noteSent(150, false);
  recorder.noteSent(9_000, true);
  recorder.noteSent(300, false);
  recorder.noteCode(80002);
  recorder.noteCode('80002');
  recorder.setInFlight(7);
  const snap = recorder.snapshot(3, 12);
  assert.equal(snap.workerId, 3);
  assert.equal(snap.index, 12);
  assert.equal(snap.sent, 3);
  assert.equal(snap.completed, 3);
  assert.equal(snap.lateStarts, 1);
  assert.equal(snap.maxSlipUs, 9_000);
  assert.equal(snap.inFlight, 7);
  assert.deepEqual(snap.codes, { '80002': 2 });
  assert.equal(snap.clamped, 0);
  const byTag = new Map(snap.histograms.map((h) => [`${h.agent}/${h.outcome}`, decodeHistogram(h.encoded)]));
  assert.deepEqual([...byTag.keys()].sort(), ['agent-1/success', 'agent-2/pta_timeout']);
  assert.equal(byTag.get('agent-1/success')?.totalCount, 2);
  assert.equal(byTag.get('agent-2/pta_timeout')?.totalCount, 1);
  assert.ok(JSON.parse(JSON.stringify(snap)), 'plain data that survives structured cloning/JSON');
});

test('snapshot resets the interval: the next one holds only what came after, reusing histograms', () => {
  const recorder = new IntervalRecorder();
  for (let i = 0; i < 50; i++) recorder.record('a', 'success', 1000 + i);
  recorder.noteSent(10, false);
  recorder.noteCode(50126);
  recorder.setInFlight(4);
  const first = recorder.snapshot(1, 0);
  assert.equal(first.completed, 50);
  const held = recorder.seriesCount;

  recorder.record('a', 'success', 5000);
  const second = recorder.snapshot(1, 1);
  assert.equal(second.completed, 1);
  assert.equal(second.sent, 0);
  assert.equal(second.maxSlipUs, 0);
  assert.deepEqual(second.codes, {});
  assert.equal(second.inFlight, 4, 'in flight is a level the caller sets, kept until set again');
  const h = decodeHistogram(second.histograms[0]!.encoded);
  assert.equal(h.totalCount, 1);
  assert.equal(h.getValueAtPercentile(1), h.getValueAtPercentile(100), 'only the one new value');
  assert.ok(Math.abs(h.getValueAtPercentile(100) - 5000) <= 5);
  assert.equal(recorder.seriesCount, held, 'no new histogram allocated for a series seen before');
  assert.deepEqual(first.codes, { '50126': 1 }, 'an emitted snapshot is not changed by later recording');

  const idle = recorder.snapshot(1, 2);
  assert.equal(idle.histograms.length, 0, 'series with nothing recorded are left out');
  assert.equal(idle.completed, 0);
});

test('values above the highest trackable latency clamp to it and are counted; nonsense clamps to 0', () => {
  const recorder = new IntervalRecorder();
  recorder.record('a', 'client_timeout', HIGHEST_US * 10);
  recorder.record('a', 'client_timeout', Number.POSITIVE_INFINITY);
  recorder.record('a', 'client_timeout', -5);
  recorder.record('a', 'client_timeout', Number.NaN);
  recorder.record('a', 'client_timeout', HIGHEST_US);
  const snap = recorder.snapshot(0, 0);
  assert.equal(snap.clamped, 4);
  assert.equal(snap.completed, 5);
  const h = decodeHistogram(snap.histograms[0]!.encoded);
  assert.equal(h.totalCount, 5);
  assert.equal(h.getValueAtPercentile(0), 0);
  assert.ok(h.getValueAtPercentile(100) >= HIGHEST_US && h.getValueAtPercentile(100) < HIGHEST_US * 1.001);
  assert.equal(recorder.snapshot(0, 1).clamped, 0, 'the clamp count is per interval');
});

test('an encoded interval decodes to exactly what was recorded', () => {
  const recorder = new IntervalRecorder();
  const direct = createHistogram();
  const next = latencySampler(7);
  for (let i = 0; i < 5000; i++) {
    const v = next();
    recorder.record('a', 'success', v);
    direct.recordValue(v);
  }
  const snap = recorder.snapshot(0, 0);
  const decoded = decodeHistogram(snap.histograms[0]!.encoded);
  assert.equal(encodeHistogram(decoded), encodeHistogram(direct));
  for (const p of [0, 50, 90, 99, 99.9, 100])
    assert.equal(decoded.getValueAtPercentile(p), direct.getValueAtPercentile(p));
});

test('a series silent for long gives its histogram back; an active one is kept', () => {
  const recorder = new IntervalRecorder({ releaseAfterIntervals: 3 });
  recorder.record('gone', 'success', 100);
  for (let i = 0; i < 32; i++) {
    recorder.record('stays', 'success', 100);
    recorder.snapshot(0, i);
  }
  assert.equal(recorder.seriesCount, 1);
  recorder.record('gone', 'success', 200);
  const snap = recorder.snapshot(0, 32);
  assert.deepEqual(
    snap.histograms.map((h) => h.agent),
    ['gone'],
    'a released series comes back when recorded into again',
  );
  assert.equal(decodeHistogram(snap.histograms[0]!.encoded).totalCount, 1, 'and starts empty');
  recorder.close();
});

test('an unknown outcome is a programming error, not silently dropped', () => {
  const recorder = new IntervalRecorder();
  assert.throws(() => recorder.record('a', 'bogus' as never, 1), TypeError);
});

test('the wasm engine encodes the same bytes as the js engine', () => {
  const js = new IntervalRecorder({ engine: 'js' });
  const wasm = new IntervalRecorder({ engine: 'wasm' });
  const next = latencySampler(11);
  for (let i = 0; i < 3000; i++) {
    const v = next();
    js.record('a', 'success', v);
    wasm.record('a', 'success', v);
  }
  js.record('a', 'success', HIGHEST_US + 1);
  wasm.record('a', 'success', HIGHEST_US + 1);
  assert.deepEqual(wasm.snapshot(0, 0), js.snapshot(0, 0));
  wasm.close();
  js.close();
});
