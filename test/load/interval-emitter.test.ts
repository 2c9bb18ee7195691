import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentRoster } from '../../src/load/agent-roster.js';
import { RunClock } from '../../src/load/clock.js';
import { IntervalEmitter, type IntervalVerdicts } from '../../src/load/interval-emitter.js';
import type { Breaker, LiveFigures } from '../../src/load/load-sink.js';
import { ArrivalSchedule } from '../../src/load/schedule/arrival-schedule.js';
import { createHistogram, encodeHistogram } from '../../src/metrics/histogram.js';
import type { IntervalRecord, WorkerSnapshot } from '../../src/metrics/types.js';
import { FakeClock } from '../helpers/fake-clock.js';

const schedule = new ArrivalSchedule(
  [
    { name: 'warm', durationMs: 2000, shape: 'constant', rate: 100 },
    { name: 'peak', durationMs: 4000, shape: 'ramp', from: 100, to: 500 },
  ],
  { arrivals: 'uniform', seed: 1 },
);

function snap(workerId: number, index: number, sent: number, latenciesUs: number[] = []): WorkerSnapshot {
  const h = createHistogram();
  for (const v of latenciesUs) h.recordValue(v);
  return {
    workerId,
    index,
    sent,
    completed: latenciesUs.length,
    lateStarts: 0,
    maxSlipUs: 10 * workerId,
    inFlight: 2,
    codes: {},
    histograms: latenciesUs.length
      ? [{ agent: 'agent-1', outcome: 'success', encoded: encodeHistogram(h) }]
      : [],
  };
}

function setup(opts: { workers?: number; shardFactor?: number; verdicts?: Partial<IntervalVerdicts> } = {}) {
  const clock = new FakeClock();
  const time = new RunClock(clock);
  const records: IntervalRecord[] = [];
  const counts: number[] = [];
  const notes: string[] = [];
  const live: LiveFigures[] = [];
  const said: string[] = [];
  let stopping = false;
  const emitter = new IntervalEmitter({
    intervalMs: 1000,
    workers: opts.workers ?? 2,
    schedule,
    shardFactor: opts.shardFactor ?? 1,
    roster: new AgentRoster([{ name: 'agent-1', cores: 4, capacity: 350, version: '1', site: 'dc1' }]),
    time,
    sink: {
      interval: (record, histograms) => {
        records.push(record);
        counts.push([...histograms.values()].reduce((n, h) => n + h.totalCount, 0));
      },
      timeline: () => {},
      note: (text) => void notes.push(text),
      progress: (figures) => void live.push(figures),
    },
    verdicts: {
      breakers: [],
      stopping: () => stopping,
      enough: (reason) => {
        said.push(`enough: ${reason}`);
        stopping = true;
      },
      broke: (reason) => void said.push(`broke: ${reason}`),
      ...opts.verdicts,
    },
  });
  time.begin(clock.now());
  emitter.start();
  return { clock, records, counts, notes, live, said, emitter };
}

test('an interval is emitted once every worker reported it, stamped with the schedule, in index order', async () => {
  const { clock, records, counts, emitter } = setup();
  clock.advance(2500);
  emitter.accept(snap(0, 1, 30, [900]));
  emitter.accept(snap(0, 0, 50, [1000, 2000]));
  emitter.accept(snap(1, 1, 40, [800]));
  assert.equal(records.length, 0, 'interval 0 still waits for worker 1; interval 1 waits behind it');
  emitter.accept(snap(1, 0, 50, [3000]));
  await emitter.drained();
  assert.deepEqual(
    records.map((r) => [r.index, r.startMs, r.endMs, r.sent, r.completed, r.maxSlipUs, r.inFlight]),
    [
      [0, 0, 1000, 100, 3, 10, 4],
      [1, 1000, 2000, 70, 2, 10, 4],
    ],
  );
  assert.deepEqual(counts, [3, 2], 'histograms of both workers merged');
  assert.deepEqual(
    records.map((r) => [r.phase, r.targetRate, r.activeAgents]),
    [
      ['warm', 100, ['agent-1']],
      ['warm', 100, ['agent-1']],
    ],
  );
});

test('a shard states its share of the target rate; the interval under way ends at the present', async () => {
  const { clock, records, emitter } = setup({ workers: 1, shardFactor: 0.25 });
  clock.advance(3400);
  emitter.accept(snap(0, 3, 10));
  emitter.accept(snap(0, 0, 10));
  emitter.accept(snap(0, 1, 10));
  emitter.accept(snap(0, 2, 10));
  await emitter.drained();
  const r3 = records[3]!;
  assert.equal(r3.phase, 'peak');
  // The ramp's mean over [3000, 4000) is 250/s; a quarter of that is this shard's.
  assert.ok(Math.abs(r3.targetRate - 62.5) < 1e-9, `got ${r3.targetRate}`);
  assert.equal(r3.endMs, 3400);
});

test('a worker that falls three intervals behind is left out of the record, and a note says so', async () => {
  const { clock, records, notes, live, emitter } = setup();
  emitter.accept(snap(0, 0, 5));
  emitter.accept(snap(0, 1, 5));
  clock.advance(2999);
  assert.equal(records.length, 0, 'three intervals of grace are not over before 3 s');
  clock.advance(1);
  await emitter.drained();
  assert.deepEqual(
    records.map((r) => [r.index, r.sent]),
    [[0, 5]],
  );
  assert.deepEqual(notes, ['interval 0: no snapshot from worker(s) 1']);
  assert.equal(live.length, 3, 'one live figure per interval tick');
  assert.deepEqual(
    live.map((l) => [l.elapsedMs, l.phase, l.targetRate]),
    [
      [1000, 'warm', 100],
      [2000, 'peak', 100],
      [3000, 'peak', 200],
    ],
  );
  assert.equal(live[2]!.inFlight, 2, 'in flight as of the last record');
  assert.equal(live[2]!.totalMs, 6000);
});

test('finish emits what is still pending and stops the tick', async () => {
  const { clock, records, emitter } = setup();
  emitter.accept(snap(0, 0, 5));
  emitter.accept(snap(1, 1, 5));
  clock.advance(1500);
  emitter.finish();
  await emitter.drained();
  assert.deepEqual(
    records.map((r) => [r.index, r.sent]),
    [
      [0, 5],
      [1, 5],
    ],
  );
  assert.equal(clock.pending, 0);
});

test('breakers and until are asked of every record; until is not asked once stopping', async () => {
  const asked: number[] = [];
  const until: Breaker = (record) => {
    asked.push(record.index);
    return record.index === 1 ? 'found the knee' : undefined;
  };
  const breaker: Breaker = (record, histograms) =>
    record.index >= 2 && histograms.size === 0 ? `interval ${record.index} answered nothing` : undefined;
  const { said, emitter } = setup({ workers: 1, verdicts: { until, breakers: [breaker] } });
  for (const i of [0, 1, 2, 3]) emitter.accept(snap(0, i, 1));
  await emitter.drained();
  assert.deepEqual(asked, [0, 1]);
  assert.deepEqual(said, [
    'enough: found the knee',
    'broke: interval 2 answered nothing',
    'broke: interval 3 answered nothing',
  ]);
});

test('a lost worker: a note counts what it took along; its replacement is expected from where it resumed', async () => {
  const { clock, records, notes, emitter } = setup();
  emitter.accept(snap(1, 0, 5));
  emitter.accept(snap(1, 1, 5));
  emitter.accept(snap(0, 0, 5));
  clock.advance(2500);
  const error = new Error('thread died');
  emitter.workerLost({ workerId: 0, error, atMs: 2500, replaced: true });
  await emitter.drained();
  assert.deepEqual(
    records.map((r) => r.index),
    [0, 1],
    'interval 1 no longer waits for the lost worker',
  );
  // Worker 0 last reported interval 0: its half of [1000, 2500) is (100 + 62.5) / 2 ≈ 81 sign-ins.
  assert.match(notes[0]!, /^worker 0 failed at 2\.5 s \(thread died\); 2 sign-ins it had in flight/);
  assert.match(notes[0]!, /about 81 scheduled sign-ins of its share since 1 s are not in the results/);
  assert.match(notes[0]!, /its share was restarted$/);
  // Interval 2 waits for both again: the replacement reports from the interval it resumed in.
  emitter.accept(snap(1, 2, 5));
  assert.equal(records.length, 2);
  emitter.accept(snap(0, 2, 5));
  await emitter.drained();
  assert.deepEqual(
    records.map((r) => [r.index, r.sent]),
    [
      [0, 10],
      [1, 5],
      [2, 10],
    ],
  );
});

test('a worker not replaced is no longer waited for', async () => {
  const { records, notes, emitter } = setup();
  emitter.workerLost({ workerId: 1, error: 'gone', atMs: 0, replaced: false });
  emitter.accept(snap(0, 0, 5));
  emitter.accept(snap(0, 1, 5));
  await emitter.drained();
  assert.deepEqual(
    records.map((r) => r.index),
    [0, 1],
  );
  assert.match(notes[0]!, /its share was not restarted$/);
});

test('the sink takes one record at a time: the next waits for the previous one to be written', async () => {
  const clock = new FakeClock();
  const time = new RunClock(clock);
  const order: string[] = [];
  let release!: () => void;
  const firstWritten = new Promise<void>((r) => {
    release = r;
  });
  const emitter = new IntervalEmitter({
    intervalMs: 1000,
    workers: 1,
    schedule,
    shardFactor: 1,
    roster: new AgentRoster([]),
    time,
    sink: {
      interval: async (record) => {
        order.push(`begin ${record.index}`);
        if (record.index === 0) await firstWritten;
        order.push(`end ${record.index}`);
      },
      timeline: () => {},
      note: () => {},
    },
    verdicts: { breakers: [], stopping: () => false, enough: () => {}, broke: () => {} },
  });
  emitter.accept(snap(0, 0, 1));
  emitter.accept(snap(0, 1, 1));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['begin 0']);
  release();
  await emitter.drained();
  assert.deepEqual(order, ['begin 0', 'end 0', 'begin 1', 'end 1']);
});
