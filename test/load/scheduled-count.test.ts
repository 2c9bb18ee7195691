import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SchedulePhase } from '../../src/load/schedule/arrival-schedule.js';
import { ArrivalSchedule } from '../../src/load/schedule/arrival-schedule.js';
import { ownedShares, ScheduledCounter } from '../../src/load/schedule/scheduled-count.js';

const PHASES = [{ name: 'p', durationMs: 4000, shape: 'constant', rate: 500 }] as unknown as SchedulePhase[];

/** What the workers of a harness draw: each its own share's stream, walked to the end. */
function drawn(
  arrivals: 'uniform' | 'poisson',
  workers: number,
  shard?: { index: number; count: number },
): number[] {
  const times: number[] = [];
  for (const share of ownedShares(workers, shard)) {
    const s = new ArrivalSchedule(PHASES, { arrivals, seed: 7, share });
    for (let at = s.next(); at !== undefined; at = s.next()) times.push(at);
  }
  return times;
}

for (const arrivals of ['uniform', 'poisson'] as const) {
  for (const [workers, shard] of [
    [1, undefined],
    [2, undefined],
    [3, { index: 1, count: 2 }],
  ] as const) {
    test(`${arrivals}, ${workers} worker(s)${shard ? `, shard ${shard.index}/${shard.count}` : ''}: scheduled counts what the workers draw, interval by interval`, () => {
      const times = drawn(arrivals, workers, shard);
      const counter = new ScheduledCounter(PHASES, { arrivals, seed: 7 }, ownedShares(workers, shard));
      let total = 0;
      for (let from = 0; from < 4000; from += 250) {
        const n = counter.count(from, from + 250);
        assert.equal(n, times.filter((t) => t >= from && t < from + 250).length, `interval at ${from} ms`);
        total += n;
      }
      assert.equal(total, times.length);
    });
  }
}

test('the shards of a uniform run together draw exactly the unsharded schedule', () => {
  const whole = drawn('uniform', 2).length;
  assert.equal(
    drawn('uniform', 2, { index: 0, count: 2 }).length + drawn('uniform', 2, { index: 1, count: 2 }).length,
    whole,
  );
});
