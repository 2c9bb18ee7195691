import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmartLockout } from '../../src/sim/lockout.js';
import { OnPremLockout } from '../../src/sim/on-prem-lockout.js';
import { ALICE, assertEntraError, ropc, sim } from './sim-client.js';

/** A clock tests move by hand. */
function manualClock(start = Date.UTC(2025, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('smart lockout with PTA: every wrong password counts, repeats too; lockouts grow; success resets', () => {
  const clock = manualClock();
  const lockout = new SmartLockout({ threshold: 3, durationMs: 60_000, growth: 2 }, clock);
  assert.equal(lockout.recordFailure('u', 'same-wrong'), false);
  assert.equal(lockout.recordFailure('u', 'same-wrong'), false);
  assert.equal(lockout.recordFailure('u', 'same-wrong'), true, 'the third identical wrong password locks');
  assert.equal(lockout.lockedFor('u'), 60_000);
  clock.advance(60_000);
  assert.equal(lockout.lockedFor('u'), 0);
  assert.equal(
    lockout.recordFailure('u', 'same-wrong'),
    true,
    'after a lockout each new failure locks again',
  );
  assert.equal(lockout.lockedFor('u'), 120_000, 'twice as long');
  clock.advance(120_000);
  lockout.recordSuccess('u');
  assert.equal(lockout.tracked, 0);
  assert.equal(lockout.recordFailure('u', 'x'), false, 'history starts over after a success');
});

test('hash tracking (password hash sync, not PTA): a repeat of a recent wrong password is not counted', () => {
  const lockout = new SmartLockout({ threshold: 3, durationMs: 60_000, hashTracking: true }, manualClock());
  for (let i = 0; i < 10; i++) assert.equal(lockout.recordFailure('u', 'same-wrong'), false);
  assert.equal(lockout.lockedFor('u'), 0, 'one wrong password repeated counts once');
  assert.equal(lockout.recordFailure('u', 'second'), false);
  assert.equal(lockout.recordFailure('u', 'third'), true);
});

test('on-prem AD lockout: threshold within the window locks, the window resets the count, success resets', () => {
  const clock = manualClock();
  const ad = new OnPremLockout({ threshold: 3, windowMs: 30_000, durationMs: 600_000 }, clock);
  ad.recordFailure('u');
  ad.recordFailure('u');
  clock.advance(30_000);
  assert.equal(ad.recordFailure('u'), false, 'the first two fell out of the observation window');
  ad.recordFailure('u');
  assert.equal(ad.recordFailure('u'), true);
  assert.equal(ad.isLocked('u'), true);
  clock.advance(600_000);
  assert.equal(ad.isLocked('u'), false);
  ad.recordFailure('v');
  ad.recordSuccess('v');
  ad.recordFailure('v');
  assert.equal(ad.recordFailure('v'), false, 'a good logon reset the count');
});

test('over HTTP, default policy: 10 identical wrong passwords lock a user; the 11th try gets 50053 from the cloud', async () => {
  const s = await sim();
  const bob = { username: 'bob@contoso.test' };
  for (let i = 1; i <= 10; i++) {
    const r = await ropc(s, { ...bob, password: 'the-same-wrong-one' });
    assertEntraError(r, 50126, 400, 'invalid_grant');
    assert.match(r.agent ?? '', /^agent-/, `try ${i} went to an agent`);
  }
  const servedBefore = s.pool.list().reduce((n, a) => n + a.served, 0);
  const locked = await ropc(s, { ...bob, password: 'Bob-Pass-2' });
  assertEntraError(locked, 50053, 400, 'invalid_grant');
  assert.equal(locked.agent, undefined, 'lockout is decided before any agent is asked');
  assert.equal(
    s.pool.list().reduce((n, a) => n + a.served, 0),
    servedBefore,
  );
  assert.equal((await ropc(s)).status, 200, 'other users are not affected');
});

test('over HTTP: the lockout lasts its duration and grows on repeats', async () => {
  const clock = manualClock();
  const s = await sim({ clock, lockout: { threshold: 3, durationMs: 60_000, growth: 2 } });
  const bob = { username: 'bob@contoso.test' };
  for (const password of ['w1', 'w1', 'w1']) {
    assertEntraError(await ropc(s, { ...bob, password }), 50126, 400, 'invalid_grant');
  }
  clock.advance(59_000);
  assertEntraError(await ropc(s, { ...bob, password: 'Bob-Pass-2' }), 50053, 400, 'invalid_grant');
  clock.advance(1_000);
  assertEntraError(await ropc(s, { ...bob, password: 'w1' }), 50126, 400, 'invalid_grant');
  clock.advance(119_000);
  assertEntraError(await ropc(s, { ...bob, password: 'Bob-Pass-2' }), 50053, 400, 'invalid_grant');
  clock.advance(1_000);
  assert.equal(
    (await ropc(s, { ...bob, password: 'Bob-Pass-2' })).status,
    200,
    'the second lockout lasted 120 s',
  );
});

test('over HTTP: an AD lockout is answered through the agent, even for the right password', async () => {
  const clock = manualClock();
  const s = await sim({
    clock,
    lockout: { threshold: 10, durationMs: 60_000 },
    onPremLockout: { threshold: 2, windowMs: 60_000, durationMs: 300_000 },
  });
  for (const password of ['w1', 'w2']) {
    assertEntraError(await ropc(s, { password }), 50126, 400, 'invalid_grant');
  }
  const locked = await ropc(s, { password: ALICE.password });
  assertEntraError(locked, 50053, 400, 'invalid_grant');
  assert.match(locked.agent ?? '', /^agent-/, 'the agent asked AD, and AD said locked');
  const counters = (await (
    await fetch(`${s.url}/_sim/counters`, { headers: { authorization: `Bearer ${s.adminToken}` } })
  ).json()) as Record<string, unknown>;
  assert.equal(counters.onPremLockedUsers, 1);
  assert.equal(counters.lockedUsers, 0, 'Entra itself has not locked her');
  clock.advance(300_000);
  assert.equal((await ropc(s, { password: ALICE.password })).status, 200);
});
