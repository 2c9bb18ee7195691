import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PtaloadError } from '../../src/errors.js';
import {
  type BarrierClock,
  type BarrierSpec,
  parseStartAt,
  startAtInstant,
  waitAtBarrier,
} from '../../src/run/start-barrier.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.parse('2026-12-01T08:00:00Z');

/** A wall clock that only moves when the barrier waits; `at` runs a step once the clock reaches its time. */
function fakeClock(steps: { atMs: number; run: () => Promise<void> }[]): BarrierClock & { waits: number } {
  let now = T0;
  const pending = [...steps];
  const clock = {
    waits: 0,
    nowEpochMs: () => now,
    wait: async (ms: number) => {
      clock.waits++;
      now += ms;
      for (const s of pending.filter((p) => T0 + p.atMs <= now)) {
        pending.splice(pending.indexOf(s), 1);
        await s.run();
      }
    },
  };
  return clock;
}

const spec = (dir: string, over: Partial<BarrierSpec> = {}): BarrierSpec => ({
  dir,
  index: 0,
  count: 3,
  runId: 'storm-1',
  profileSha256: 'abc',
  leadMs: 3000,
  pollMs: 250,
  timeoutMs: 60_000,
  ...over,
});

/** Another shard's announcement, as its own waitAtBarrier would write it. */
const announce = (dir: string, index: number, arrivedAtMs: number, over: Record<string, unknown> = {}) =>
  writeFile(
    join(dir, `shard-${index}.json`),
    JSON.stringify({
      runId: 'storm-1',
      index,
      count: 3,
      profileSha256: 'abc',
      arrivedAtEpochMs: T0 + arrivedAtMs,
      host: 'h',
      ...over,
    }),
  );

test('time zero is the last arrival plus the lead, whatever order the shards came in', async () => {
  const dir = await tempDir();
  const clock = fakeClock([
    { atMs: 1000, run: () => announce(dir, 2, 1000) },
    { atMs: 2500, run: () => announce(dir, 1, 2500) },
  ]);
  const zero = await waitAtBarrier(spec(dir), { clock });
  assert.equal(zero, T0 + 2500 + 3000);
  assert.ok(clock.waits >= 10, 'it polled while waiting');
  // A shard that arrives last computes the same instant from the same files.
  const late = fakeClock([]);
  for (let i = 0; i < 4; i++) await late.wait(625);
  assert.equal(await waitAtBarrier(spec(dir, { index: 1 }), { clock: late }), T0 + 2500 + 3000);
});

test('a shard that never arrives fails the start after the timeout, naming it (exit 3)', async () => {
  const dir = await tempDir();
  await announce(dir, 1, 0);
  await assert.rejects(
    waitAtBarrier(spec(dir, { timeoutMs: 5000 }), { clock: fakeClock([]) }),
    (e: PtaloadError) => {
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /shard 2 of 3 did not arrive within 5 s/);
      return true;
    },
  );
});

test('a shard of another run in the barrier folder is refused', async () => {
  const dir = await tempDir();
  await announce(dir, 1, 0, { runId: 'other-run' });
  await assert.rejects(
    waitAtBarrier(spec(dir), { clock: fakeClock([]) }),
    /shard-1\.json belongs to run 'other-run'/,
  );
  const counts = await tempDir();
  await writeFile(
    join(counts, 'shard-1.json'),
    JSON.stringify({
      runId: 'storm-1',
      index: 1,
      count: 4,
      profileSha256: 'abc',
      arrivedAtEpochMs: T0,
      host: 'h',
    }),
  );
  await assert.rejects(waitAtBarrier(spec(counts), { clock: fakeClock([]) }), /4 shards, not 3/);
});

test('a shard that sees the last arrival only after time zero refuses to start out of step', async () => {
  const dir = await tempDir();
  // The last shard arrived at 0 but this one polls only every 5 s with a 1 s lead.
  const clock = fakeClock([
    {
      atMs: 10,
      run: async () => {
        await announce(dir, 1, 10);
        await announce(dir, 2, 10);
      },
    },
  ]);
  await assert.rejects(
    waitAtBarrier(spec(dir, { leadMs: 1000, pollMs: 5000 }), { clock }),
    /past the 1000 ms lead/,
  );
});

test('an abort while waiting ends the wait', async () => {
  const dir = await tempDir();
  const controller = new AbortController();
  const clock: BarrierClock = {
    nowEpochMs: () => T0,
    wait: async (_ms, signal) => {
      controller.abort();
      signal?.throwIfAborted();
    },
  };
  await assert.rejects(waitAtBarrier(spec(dir), { clock, signal: controller.signal }), {
    name: 'AbortError',
  });
});

test('--start-at takes an ISO time with its zone, and refuses one that has passed', () => {
  assert.equal(parseStartAt('2026-12-01T08:00:00Z'), T0);
  assert.equal(parseStartAt('2026-12-01T09:00:00+01:00'), T0);
  assert.throws(() => parseStartAt('2026-12-01T08:00:00'), /with its zone/);
  assert.throws(() => parseStartAt('tomorrow'), /ISO 8601/);
  const clock = { nowEpochMs: () => T0 + 5, wait: async () => undefined };
  assert.throws(() => startAtInstant(T0, clock), /had passed 5 ms before the workers were ready/);
  assert.equal(startAtInstant(T0 + 10, clock), T0 + 10);
});
