import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fifo } from '../../src/sim/fifo.js';
import { LognormalSampler, SERVICE_TIME_CV } from '../../src/sim/service-time.js';
import { TimerWheel } from '../../src/sim/timer-wheel.js';
import { seededRandom } from '../../src/users/prng.js';

// The wheel's timer is unref'd (the sim's server keeps the process alive), so tests hold the loop open.
const keepAlive = () => {
  const t = setInterval(() => {}, 1000);
  return () => clearInterval(t);
};

test('the timer wheel runs events in due order, passing the exact due time, including catch-up events', async () => {
  const release = keepAlive();
  const wheel = new TimerWheel();
  const seen: [string, number][] = [];
  const start = wheel.now();
  const done = new Promise<void>((resolve) => {
    wheel.at(
      start + 30,
      (name, at) => {
        seen.push([name, at - start]);
        // Already due when scheduled: runs in the same pass, still with its own due time.
        wheel.at(
          at + 0.25,
          (n, a) => {
            seen.push([n, a - start]);
            resolve();
          },
          'catch-up',
        );
      },
      'third',
    );
  });
  wheel.at(start + 10.5, (name, at) => seen.push([name, at - start]), 'second');
  wheel.at(start + 2, (name, at) => seen.push([name, at - start]), 'first');
  assert.equal(wheel.size, 3);
  await done;
  assert.deepEqual(seen, [
    ['first', 2],
    ['second', 10.5],
    ['third', 30],
    ['catch-up', 30.25],
  ]);
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
