import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/seeded-random.js';
import { Fifo } from '../../src/sim/fifo.js';
import { LognormalSampler, SERVICE_TIME_CV } from '../../src/sim/service-time.js';
import { TimerWheel } from '../../src/sim/timer-wheel.js';

// The wheel's timer is unref'd (the sim's server keeps the process alive), so tests hold the loop open.
const keepAlive = () => {
  const t = setInterval(() => {}, 1000);
  return () => clearInterval(t);
};

test('the timer wheel runs events in due order, passing each its exact due time', async () => {
  const release = keepAlive();
  const wheel = new TimerWheel();
  const seen: [string, number][] = [];
  const due = new Map<string, number>();
  const done = new Promise<void>((resolve) => {
    const record = (name: string, at: number) => {
      seen.push([name, at]);
      if (seen.length === 4) resolve();
    };
    for (const [name, ms] of [
      ['third', 50.5],
      ['second', 30.25],
      ['first', 10],
    ] as const) {
      due.set(name, wheel.now() + ms);
      wheel.at(
        due.get(name)!,
        (n: string, at) => {
          record(n, at);
          // Already due when scheduled (a catch-up): runs on the next loop turn, still with its own due time.
          if (n === 'third') {
            due.set('catch-up', at + 0.25);
            wheel.at(at + 0.25, record, 'catch-up');
          }
        },
        name,
      );
    }
  });
  assert.equal(wheel.size, 3);
  await done;
  assert.deepEqual(
    seen.map(([name]) => name),
    ['first', 'second', 'third', 'catch-up'],
  );
  for (const [name, at] of seen) assert.equal(at, due.get(name), name);
  assert.equal(wheel.size, 0);
  wheel.stop();
  release();
});

test('a stopped wheel drops pending events and ignores new ones', async () => {
  const wheel = new TimerWheel();
  let ran = 0;
  wheel.at(wheel.now() + 5, () => ran++, null);
  wheel.stop();
  wheel.at(wheel.now() + 1, () => ran++, null);
  await new Promise((r) => setTimeout(r, 20)); // a ref'd timer: the loop stays open
  assert.equal(ran, 0);
  assert.equal(wheel.size, 0);
});

test('the FIFO keeps order across growth and wrap-around', () => {
  const q = new Fifo<number>();
  const out: number[] = [];
  let next = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 7; i++) q.push(next++);
    for (let i = 0; i < 5; i++) out.push(q.shift()!);
  }
  while (q.length > 0) out.push(q.shift()!);
  assert.deepEqual(
    out,
    Array.from({ length: next }, (_, i) => i),
  );
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
});

test('service times are lognormal with the requested mean and a CV of about 0.3, reproducible by seed', () => {
  const draw = (seed: number) => {
    const sampler = new LognormalSampler(seededRandom(seed, 'test'));
    return Array.from({ length: 100_000 }, () => sampler.sample(11.43));
  };
  const xs = draw(7);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean / 11.43 - 1) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sd / mean - SERVICE_TIME_CV) < 0.01, `cv ${sd / mean}`);
  assert.ok(xs.every((x) => x > 0));
  assert.deepEqual(draw(7).slice(0, 5), xs.slice(0, 5));
  assert.notDeepEqual(draw(8).slice(0, 5), xs.slice(0, 5));
});
