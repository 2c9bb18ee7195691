import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ArrivalModel,
  ArrivalSchedule,
  type SchedulePhase,
} from '../../src/load/schedule/arrival-schedule.js';

function all(
  phases: readonly SchedulePhase[],
  arrivals: ArrivalModel,
  seed = 7,
  share?: { index: number; count: number },
) {
  const schedule = new ArrivalSchedule(phases, { arrivals, seed, ...(share ? { share } : {}) });
  const times: number[] = [];
  // Bounded: far more than any schedule here can produce.
  for (let i = 0; i < 1_000_000; i++) {
    const t = schedule.next();
    if (t === undefined) return { schedule, times };
    times.push(t);
  }
  throw new Error('schedule did not end');
}

const countIn = (times: readonly number[], from: number, to: number) =>
  times.filter((t) => t >= from && t < to).length;

const mixed: SchedulePhase[] = [
  { name: 'warm-up', durationMs: 2_000, shape: 'constant', rate: 100 },
  { name: 'ramp', durationMs: 4_000, shape: 'ramp', from: 100, to: 900 },
  { name: 'quiet', durationMs: 1_000, shape: 'constant', rate: 0 },
  {
    name: 'storm',
    durationMs: 6_000,
    shape: 'burst',
    base: 50,
    spike: 600,
    widthMs: 500,
    everyMs: 2_000,
    offsetMs: 250,
  },
  { name: 'steps', durationMs: 5_000, shape: 'step', start: 100, increment: 150, everyMs: 1_000, until: 500 },
];

describe('uniform arrivals', () => {
  test('each phase and each second gets the integral of its rate, ±1', () => {
    const { schedule, times } = all(mixed, 'uniform');
    assert.equal(schedule.totalDurationMs, 18_000);
    let start = 0;
    for (const phase of mixed) {
      const expected = schedule.expectedArrivals(start, start + phase.durationMs);
      const got = countIn(times, start, start + phase.durationMs);
      assert.ok(Math.abs(got - expected) <= 1, `${phase.name}: ${got} arrivals, expected ${expected}`);
      start += phase.durationMs;
    }
    for (let s = 0; s < 18; s++) {
      const expected = schedule.expectedArrivals(s * 1000, (s + 1) * 1000);
      const got = countIn(times, s * 1000, (s + 1) * 1000);
      assert.ok(Math.abs(got - expected) <= 1, `second ${s}: ${got}, expected ${expected}`);
    }
  });

  test('the integrals are the shapes’ own: constant, ramp, burst, step', () => {
    const { schedule } = all(mixed, 'uniform');
    assert.equal(schedule.expectedArrivals(0, 2_000), 200);
    // Ramp 100→900 over 4 s: mean 500/s.
    assert.ok(Math.abs(schedule.expectedArrivals(2_000, 6_000) - 2_000) < 1e-6);
    assert.equal(schedule.expectedArrivals(6_000, 7_000), 0);
    // Storm: spikes at 250–750, 2250–2750, 4250–4750 (1.5 s at 600/s), base for the other 4.5 s at 50/s.
    assert.ok(Math.abs(schedule.expectedArrivals(7_000, 13_000) - (1.5 * 600 + 4.5 * 50)) < 1e-6);
    // Steps 100, 250, 400, then capped at 500 twice.
    assert.ok(Math.abs(schedule.expectedArrivals(13_000, 18_000) - (100 + 250 + 400 + 500 + 500)) < 1e-6);
  });

  test('constant rate spaces arrivals evenly, half a gap from the phase edges', () => {
    const { times } = all([{ name: 'c', durationMs: 1_000, shape: 'constant', rate: 40 }], 'uniform');
    assert.equal(times.length, 40);
    for (const [i, t] of times.entries())
      assert.ok(Math.abs(t - (i + 0.5) * 25) < 1e-9, `arrival ${i} at ${t}`);
  });

  test('arrivals are ordered and inside the run', () => {
    const { schedule, times } = all(mixed, 'uniform');
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!);
    assert.ok(times[0]! >= 0 && times.at(-1)! < schedule.totalDurationMs);
  });

  test('a ramp hits its rates at the right times', () => {
    const ramp: SchedulePhase[] = [{ name: 'r', durationMs: 10_000, shape: 'ramp', from: 0, to: 1_000 }];
    const { times } = all(ramp, 'uniform');
    // ∫ over [0,1s) = 50, over [9s,10s) = 950.
    assert.ok(Math.abs(countIn(times, 0, 1_000) - 50) <= 1);
    assert.ok(Math.abs(countIn(times, 9_000, 10_000) - 950) <= 1);
    // Gaps shrink as the rate grows: near t the gap is ≈ 1/rate(t).
    const i = times.findIndex((t) => t >= 5_000);
    assert.ok(Math.abs(times[i + 1]! - times[i]! - 2) < 0.01, 'gap near 500/s is 2 ms');
  });

  test('a falling ramp works too', () => {
    const { times } = all(
      [{ name: 'down', durationMs: 2_000, shape: 'ramp', from: 300, to: 100 }],
      'uniform',
    );
    assert.ok(Math.abs(times.length - 400) <= 1);
    assert.ok(Math.abs(countIn(times, 0, 1_000) - 250) <= 1);
  });
});

describe('zero rates', () => {
  test('a zero-rate phase produces no arrivals and the schedule moves past it', () => {
    const { times } = all(mixed, 'uniform');
    assert.equal(countIn(times, 6_000, 7_000), 0);
    assert.ok(countIn(times, 7_000, 8_000) > 0);
  });

  test('an all-zero schedule ends at once', () => {
    const phases: SchedulePhase[] = [
      { name: 'z', durationMs: 86_400_000, shape: 'constant', rate: 0 },
      {
        name: 'zb',
        durationMs: 86_400_000,
        shape: 'burst',
        base: 0,
        spike: 0,
        widthMs: 1,
        everyMs: 2,
        offsetMs: 0,
      },
    ];
    for (const model of ['uniform', 'poisson'] as const) {
      const s = new ArrivalSchedule(phases, { arrivals: model, seed: 1 });
      assert.equal(s.next(), undefined);
      assert.equal(s.next(), undefined);
    }
  });

  test('zero-length phases are skipped', () => {
    const phases: SchedulePhase[] = [
      { name: 'empty', durationMs: 0, shape: 'constant', rate: 1_000 },
      { name: 'real', durationMs: 1_000, shape: 'constant', rate: 10 },
    ];
    const { schedule, times } = all(phases, 'uniform');
    assert.equal(times.length, 10);
    assert.equal(schedule.phaseAt(0).name, 'real');
  });
});

describe('poisson arrivals', () => {
  test('counts per phase stay within 5 standard deviations of the integral', () => {
    const { schedule, times } = all(mixed, 'poisson', 42);
    let start = 0;
    for (const phase of mixed) {
      const expected = schedule.expectedArrivals(start, start + phase.durationMs);
      const got = countIn(times, start, start + phase.durationMs);
      assert.ok(
        Math.abs(got - expected) <= 5 * Math.sqrt(expected) + 1,
        `${phase.name}: ${got} vs ${expected}`,
      );
      start += phase.durationMs;
    }
    assert.equal(countIn(times, 6_000, 7_000), 0, 'nothing in the zero-rate phase');
  });

  test('gaps are exponential: mean 1/rate, coefficient of variation ≈ 1', () => {
    const { times } = all([{ name: 'c', durationMs: 20_000, shape: 'constant', rate: 1_000 }], 'poisson', 3);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    assert.ok(Math.abs(mean - 1) < 0.03, `mean gap ${mean} ms`);
    assert.ok(Math.abs(sd / mean - 1) < 0.05, `cv ${sd / mean}`);
  });

  test('the same seed gives the same sequence; another seed another one', () => {
    const a = all(mixed, 'poisson', 11).times;
    const b = all(mixed, 'poisson', 11).times;
    const c = all(mixed, 'poisson', 12).times;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('a ramp’s later half gets more arrivals, as its integral says', () => {
    const ramp: SchedulePhase[] = [{ name: 'r', durationMs: 10_000, shape: 'ramp', from: 100, to: 1_900 }];
    const { times } = all(ramp, 'poisson', 5);
    // ∫ first half = 100·5 + 900·5/2 = 2,750; second half = 7,250.
    const first = countIn(times, 0, 5_000);
    const second = countIn(times, 5_000, 10_000);
    assert.ok(Math.abs(first - 2_750) < 5 * Math.sqrt(2_750), `first half ${first}`);
    assert.ok(Math.abs(second - 7_250) < 5 * Math.sqrt(7_250), `second half ${second}`);
  });
});

describe('shares', () => {
  test('uniform: shares are disjoint and together are exactly the global schedule', () => {
    const global = all(mixed, 'uniform', 9).times;
    const parts = [0, 1, 2].map((index) => all(mixed, 'uniform', 9, { index, count: 3 }).times);
    assert.deepEqual(
      parts.flat().sort((x, y) => x - y),
      global,
    );
    // Every share takes every third arrival of the global sequence, in order.
    parts.forEach((part, index) => {
      assert.deepEqual(
        part,
        global.filter((_, i) => i % 3 === index),
      );
    });
  });

  test('poisson: each share is its own stream of a third of the rate; together they follow the integral', () => {
    const parts = [0, 1, 2].map((index) => all(mixed, 'poisson', 9, { index, count: 3 }).times);
    assert.notDeepEqual(parts[0], parts[1]);
    const merged = parts.flat();
    const expected = all(mixed, 'uniform', 9).times.length;
    assert.ok(
      Math.abs(merged.length - expected) < 5 * Math.sqrt(expected),
      `${merged.length} vs ${expected}`,
    );
    for (const part of parts) {
      assert.ok(Math.abs(part.length - expected / 3) < 5 * Math.sqrt(expected / 3), `${part.length}`);
    }
    // Reproducible: the same share of the same seed is the same stream.
    assert.deepEqual(all(mixed, 'poisson', 9, { index: 1, count: 3 }).times, parts[1]);
  });

  for (const model of ['uniform', 'poisson'] as const) {
    test(`${model}: sequence numbers are unique across shares and uniform ones are the global index`, () => {
      const seen = new Set<number>();
      for (let index = 0; index < 3; index++) {
        const schedule = new ArrivalSchedule(mixed, { arrivals: model, seed: 9, share: { index, count: 3 } });
        let k = 0;
        while (schedule.next() !== undefined) {
          assert.equal(schedule.sequence, k * 3 + index);
          assert.ok(!seen.has(schedule.sequence));
          seen.add(schedule.sequence);
          k++;
        }
      }
    });
  }

  test('a bad share is refused', () => {
    assert.throws(
      () => new ArrivalSchedule(mixed, { arrivals: 'uniform', seed: 1, share: { index: 3, count: 3 } }),
      RangeError,
    );
    assert.throws(
      () => new ArrivalSchedule(mixed, { arrivals: 'uniform', seed: 1, share: { index: 0, count: 0 } }),
      RangeError,
    );
  });
});

describe('rates and phases over time', () => {
  const s = new ArrivalSchedule(mixed, { arrivals: 'uniform', seed: 1 });

  test('rateAt follows each shape', () => {
    assert.equal(s.rateAt(1_000), 100);
    assert.equal(s.rateAt(4_000), 500); // middle of the ramp
    assert.equal(s.rateAt(6_500), 0);
    assert.equal(s.rateAt(7_100), 50); // before the burst offset
    assert.equal(s.rateAt(7_300), 600); // first spike
    assert.equal(s.rateAt(7_800), 50);
    assert.equal(s.rateAt(9_300), 600); // second spike
    assert.equal(s.rateAt(13_500), 100);
    assert.equal(s.rateAt(15_500), 400);
    assert.equal(s.rateAt(17_500), 500); // capped at `until`
    assert.equal(s.rateAt(-1), 0);
    assert.equal(s.rateAt(18_000), 0);
  });

  test('meanRate is the interval’s integral over its length', () => {
    assert.equal(s.meanRate(0, 1_000), 100);
    assert.ok(Math.abs(s.meanRate(2_000, 3_000) - 200) < 1e-9); // ramp from 100 to 300 in that second
    assert.ok(Math.abs(s.meanRate(7_000, 8_000) - (0.5 * 600 + 0.5 * 50)) < 1e-9);
    assert.ok(Math.abs(s.meanRate(17_500, 18_500) - 250) < 1e-9, 'half the interval is past the run');
  });

  test('phaseAt names the running phase, clamped outside the run', () => {
    assert.deepEqual(s.phaseAt(0), { index: 0, name: 'warm-up' });
    assert.deepEqual(s.phaseAt(1_999.9), { index: 0, name: 'warm-up' });
    assert.deepEqual(s.phaseAt(2_000), { index: 1, name: 'ramp' });
    assert.deepEqual(s.phaseAt(12_999), { index: 3, name: 'storm' });
    assert.deepEqual(s.phaseAt(99_999), { index: 4, name: 'steps' });
    assert.deepEqual(s.phaseAt(-5), { index: 0, name: 'warm-up' });
  });
});
