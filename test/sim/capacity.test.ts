import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertEntraError, drive, sim, tally } from './sim-client.js';

// Counts, not timings: an agent's throughput is simulated in virtual time, so what it serves at
// saturation is its capacity × time whatever the event loop does. Tolerances are generous anyway.
const within = (actual: number, expected: number, tolerance: number) =>
  actual >= expected * (1 - tolerance) && actual <= expected * (1 + tolerance);

test('one 4-core agent driven at twice its capacity serves about its capacity; the excess times out (80002)', async () => {
  const capacity = 40;
  const ptaTimeoutMs = 600; // of which half to be taken from the queue, half to be answered
  const s = await sim({ agents: [{ name: 'solo', cores: 4, capacity }], ptaTimeoutMs });
  const { replies, sendingMs } = await drive(s, capacity * 2, 2500);
  const { byCode, byAgent } = tally(replies);
  const served = byCode.get(0) ?? 0;
  const timedOut = byCode.get(80002) ?? 0;
  // Requests still queued when sending stops are taken until they expire: count that window too.
  const expected = (capacity * (sendingMs + ptaTimeoutMs / 2)) / 1000;
  assert.ok(within(served, expected, 0.25), `served ${served}, expected about ${expected.toFixed(0)}`);
  assert.equal(served + timedOut, replies.length, `only successes and 80002: ${JSON.stringify([...byCode])}`);
  assert.ok(timedOut >= replies.length * 0.25, `the excess timed out (${timedOut} of ${replies.length})`);
  assert.equal(
    replies.filter((r) => r.code === 0 && r.agent === 'solo').length,
    served,
    'successes name the agent',
  );
  assert.ok(
    (byAgent.get('solo') ?? 0) < served + timedOut / 10,
    'requests that expired in the queue name no agent',
  );
  assertEntraError(replies.find((r) => r.code === 80002)!, 80002, 400, 'invalid_grant');
  const view = s.pool.list()[0]!;
  assert.equal(view.served, served, 'the agent counted what it served');
});

test('a slow version serves proportionally less under the same saturating load', async () => {
  const s = await sim({
    agents: [
      { name: 'current', cores: 4, capacity: 40, version: '1.6.0' },
      { name: 'slow', cores: 4, capacity: 40, version: '1.5.2' },
    ],
    versions: { '1.5.2': { slowFactor: 2 } },
    ptaTimeoutMs: 800,
  });
  const views = Object.fromEntries(s.pool.list().map((a) => [a.name, a]));
  assert.equal(views.slow?.slowFactor, 2);
  assert.equal(views.current?.slowFactor, 1);
  const { replies } = await drive(s, 120, 2000);
  const { byAgent } = tally(replies.filter((r) => r.code === 0));
  const ratio = (byAgent.get('slow') ?? 0) / (byAgent.get('current') ?? 1);
  assert.ok(within(ratio, 0.5, 0.3), `slow/current served ratio ${ratio.toFixed(2)}, expected about 0.5`);
});

test('a shared directory with little capacity becomes the bottleneck', async () => {
  const s = await sim({
    agents: [
      { name: 'a', cores: 16, capacity: 100_000 },
      { name: 'b', cores: 16, capacity: 100_000 },
    ],
    directory: { concurrency: 1, serviceTimeMs: 50 },
    ptaTimeoutMs: 600,
  });
  const { replies, sendingMs } = await drive(s, 60, 2000);
  const { byCode } = tally(replies);
  const served = byCode.get(0) ?? 0;
  const expected = (20 * sendingMs) / 1000;
  assert.ok(
    within(served, expected, 0.3),
    `served ${served}, expected about ${expected.toFixed(0)} (20/s DC)`,
  );
  assert.ok((byCode.get(80002) ?? 0) > 0, 'requests waiting on the DC time out');
});
