import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmartLockout } from '../../src/sim/lockout.js';
import { assertEntraError, ropc, sim } from './sim-client.js';

/** A clock tests move by hand. */
function manualClock(start = Date.UTC(2025, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('smart lockout: distinct wrong passwords lock, repeats do not count, lockouts grow, success resets', () => {
  const clock = manualClock();
  const lockout = new SmartLockout({ threshold: 3, durationMs: 60_000, growth: 2 }, clock);
  for (let i = 0; i < 10; i++) assert.equal(lockout.recordFailure('u', 'same-wrong'), false);
  assert.equal(lockout.lockedFor('u'), 0, 'one wrong password repeated counts once');
  assert.equal(lockout.recordFailure('u', 'second'), false);
  assert.equal(lockout.recordFailure('u', 'third'), true);
  assert.equal(lockout.lockedFor('u'), 60_000);
  clock.advance(60_000);
  assert.equal(lockout.lockedFor('u'), 0);
  assert.equal(lockout.recordFailure('u', 'fourth'), true, 'after a lockout each new failure locks again');
  assert.equal(lockout.lockedFor('u'), 120_000, 'twice as long');
  clock.advance(120_000);
  lockout.recordSuccess('u');
  assert.equal(lockout.tracked, 0);
  assert.equal(lockout.recordFailure('u', 'fourth'), false, 'history starts over after a success');
});

test('over HTTP: a locked account gets 50053 before any agent is asked, even with the right password', async () => {
  const clock = manualClock();
  const s = await sim({ clock, lockout: { threshold: 3, durationMs: 60_000, growth: 2 } });
  const bob = { username: 'bob@contoso.test' };
  for (const password of ['w1', 'w1', 'w1', 'w2']) {
    assertEntraError(await ropc(s, { ...bob, password }), 50126, 400, 'invalid_grant');
  }
  assertEntraError(await ropc(s, { ...bob, password: 'w3' }), 50126, 400, 'invalid_grant');
  const servedBefore = s.pool.list().reduce((n, a) => n + a.served, 0);
  const locked = await ropc(s, { ...bob, password: 'Bob-Pass-2' });
  assertEntraError(locked, 50053, 400, 'invalid_grant');
  assert.equal(locked.agent, undefined);
  assert.equal(
    s.pool.list().reduce((n, a) => n + a.served, 0),
    servedBefore,
    'no agent validated the password of a locked account',
  );

  clock.advance(59_000);
  assertEntraError(await ropc(s, { ...bob, password: 'Bob-Pass-2' }), 50053, 400, 'invalid_grant');
  clock.advance(1_000);
  assertEntraError(await ropc(s, { ...bob, password: 'w4' }), 50126, 400, 'invalid_grant');
  clock.advance(119_000);
  assertEntraError(await ropc(s, { ...bob, password: 'Bob-Pass-2' }), 50053, 400, 'invalid_grant');
  clock.advance(1_000);
  assert.equal(
    (await ropc(s, { ...bob, password: 'Bob-Pass-2' })).status,
    200,
    'the second lockout lasted 120 s',
  );
  assert.equal((await ropc(s)).status, 200, 'other users were never affected');
});
