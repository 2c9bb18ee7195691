import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsersError } from '../../src/errors.js';
import type { TestUser } from '../../src/protocol/test-user.js';
import { sliceUsers, UserPacer } from '../../src/users/pacing.js';

const users = (n: number): TestUser[] =>
  Array.from({ length: n }, (_, i) => ({
    username: `u${i}@contoso.test`,
    password: `pw${i}`,
    state: 'active' as const,
  }));

test('nobody is tried more than perUserPerMinute times in any rolling minute', () => {
  const pacer = new UserPacer(users(3), {
    perUserPerMinute: 4,
    wrongPerUserPerHour: 0,
    wrongPasswordShare: 0,
  });
  const tries = new Map<string, number[]>();
  let skipped = 0;
  // Ask 10 times a second for 3 minutes: far more than 3 users x 4/min allow.
  for (let t = 0; t < 180_000; t += 100) {
    const pick = pacer.next(t);
    if (!pick) {
      skipped++;
      continue;
    }
    const list = tries.get(pick.user.username) ?? [];
    list.push(t);
    tries.set(pick.user.username, list);
  }
  for (const [name, times] of tries) {
    for (let i = 4; i < times.length; i++) {
      assert.ok(
        times[i]! - times[i - 4]! >= 60_000,
        `${name}: 5 tries within a minute at ${times[i - 4]}..${times[i]}`,
      );
    }
  }
  const sent = [...tries.values()].reduce((s, l) => s + l.length, 0);
  assert.equal(sent, 3 * 4 * 3, 'the budget is used in full: 3 users x 4/min x 3 min');
  assert.equal(skipped, 1800 - sent, 'every other request is reported as paced, not silently dropped');
  assert.equal(pacer.maxRatePerS, (3 * 4) / 60);
});

test('users take turns, so a large pool is never held back', () => {
  const pacer = new UserPacer(users(1000), {
    perUserPerMinute: 4,
    wrongPerUserPerHour: 2,
    wrongPasswordShare: 0,
  });
  const seen: string[] = [];
  for (let i = 0; i < 2000; i++) seen.push(pacer.next(i)!.user.username);
  assert.equal(seen[0], 'u0@contoso.test');
  assert.equal(seen[1000], 'u0@contoso.test');
  assert.equal(new Set(seen).size, 1000);
});

test('wrong passwords follow the share but never exceed wrongPerUserPerHour per user', () => {
  const pacer = new UserPacer(users(10), {
    perUserPerMinute: 60,
    wrongPerUserPerHour: 2,
    wrongPasswordShare: 0.5,
  });
  const wrongAt = new Map<string, number[]>();
  let wrong = 0;
  let sent = 0;
  // Two hours at one request a second: 7200 requests, 720 per user.
  for (let t = 0; t < 7_200_000; t += 1000) {
    const pick = pacer.next(t);
    if (!pick) continue;
    sent++;
    if (!pick.wrong) continue;
    wrong++;
    const list = wrongAt.get(pick.user.username) ?? [];
    list.push(t);
    wrongAt.set(pick.user.username, list);
  }
  for (const [name, times] of wrongAt) {
    for (let i = 2; i < times.length; i++) {
      assert.ok(times[i]! - times[i - 2]! >= 3_600_000, `${name}: 3 wrong passwords within an hour`);
    }
  }
  assert.equal(wrong, 10 * 2 * 2, 'the hourly cap, not the 50% share, decides');
  assert.ok(pacer.withheldWrong > 0, 'held-back wrong passwords are counted');
  assert.equal(sent, 7200);
});

test('a small share spreads wrong passwords evenly, and on different users each round', () => {
  const pacer = new UserPacer(users(500), {
    perUserPerMinute: 4,
    wrongPerUserPerHour: 2,
    wrongPasswordShare: 0.02,
  });
  const wrongIdx: number[] = [];
  for (let i = 0; i < 500; i++) if (pacer.next(i * 200)!.wrong) wrongIdx.push(i);
  assert.equal(wrongIdx.length, 10);
  for (let i = 1; i < wrongIdx.length; i++) assert.equal(wrongIdx[i]! - wrongIdx[i - 1]!, 50);

  // 200 users and 5 %: without a shift, the same 10 users would get every wrong password, every round.
  const round = new UserPacer(users(200), {
    perUserPerMinute: 60,
    wrongPerUserPerHour: 5,
    wrongPasswordShare: 0.05,
  });
  const wrongUsers = new Set<string>();
  for (let i = 0; i < 800; i++) {
    const pick = round.next(i * 100)!;
    if (pick.wrong) wrongUsers.add(pick.user.username);
  }
  assert.ok(wrongUsers.size >= 35, `4 rounds spread wrong passwords over ${wrongUsers.size} users`);
});

test('with PTA every wrong password counts: no user gets more than wrongPerUserPerRun in the run', () => {
  const pacer = new UserPacer(users(4), {
    perUserPerMinute: 60,
    wrongPerUserPerHour: 5,
    wrongPerUserPerRun: 3,
    wrongPasswordShare: 0.5,
  });
  const wrong = new Map<string, number>();
  // Five hours at one a second: the hourly cap alone would allow 25 per user.
  for (let t = 0; t < 5 * 3_600_000; t += 1000) {
    const pick = pacer.next(t);
    if (pick?.wrong) wrong.set(pick.user.username, (wrong.get(pick.user.username) ?? 0) + 1);
  }
  assert.deepEqual([...wrong.values()], [3, 3, 3, 3]);
  assert.ok(pacer.withheldWrong > 0);
});

test('a user cooling down after a throttle gives up its turns; the others go on', () => {
  const pacer = new UserPacer(users(3), {
    perUserPerMinute: 60,
    wrongPerUserPerHour: 0,
    wrongPasswordShare: 0,
  });
  pacer.coolDown(1, 10_000);
  const early = Array.from({ length: 6 }, (_, i) => pacer.next(i * 100)?.user.username);
  assert.deepEqual(
    early,
    ['u0@contoso.test', undefined, 'u2@contoso.test', 'u0@contoso.test', undefined, 'u2@contoso.test'],
    "u1's turns pass unused (counted as paced), the others keep theirs",
  );
  const later = Array.from({ length: 6 }, (_, i) => pacer.next(20_000 + i * 100)?.user.username);
  assert.ok(later.includes('u1@contoso.test'), 'and comes back after the cool-down');
});

test('wrongPerUserPerHour 0 means no wrong passwords at all', () => {
  const pacer = new UserPacer(users(5), {
    perUserPerMinute: 10,
    wrongPerUserPerHour: 0,
    wrongPasswordShare: 1,
  });
  for (let t = 0; t < 100; t++) assert.equal(pacer.next(t * 10_000)?.wrong, false);
});

test('bad pacing settings are refused', () => {
  assert.throws(
    () => new UserPacer([], { perUserPerMinute: 4, wrongPerUserPerHour: 2, wrongPasswordShare: 0 }),
    UsersError,
  );
  assert.throws(
    () => new UserPacer(users(1), { perUserPerMinute: 0, wrongPerUserPerHour: 2, wrongPasswordShare: 0 }),
    /perUserPerMinute/,
  );
  assert.throws(
    () => new UserPacer(users(1), { perUserPerMinute: 4, wrongPerUserPerHour: 1.5, wrongPasswordShare: 0 }),
    /wrongPerUserPerHour/,
  );
  assert.throws(
    () => new UserPacer(users(1), { perUserPerMinute: 4, wrongPerUserPerHour: 2, wrongPasswordShare: 2 }),
    /wrongPasswordShare/,
  );
});

test('slices are disjoint, cover everyone and differ in size by at most one', () => {
  for (const [n, k] of [
    [10, 3],
    [1000, 7],
    [5, 5],
    [3, 4],
  ] as const) {
    const all = users(n);
    const slices = Array.from({ length: k }, (_, i) => sliceUsers(all, i, k));
    assert.deepEqual(slices.flat(), all, `${n} users in ${k} slices cover all, in order, once`);
    const sizes = slices.map((s) => s.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  }
  assert.throws(() => sliceUsers(users(3), 3, 3), /slice 3 of 3 does not exist/);
  assert.throws(() => sliceUsers(users(3), 0, 0), UsersError);
});

test('a large pool paces from one small ring: still never two tries within the minute, and the budget is used', () => {
  const count = 200_000;
  const pacer = new UserPacer(count, { perUserPerMinute: 1, wrongPerUserPerHour: 0, wrongPasswordShare: 0 });
  const last = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  let sent = 0;
  // 5,000 asks a second for 90 s: every user once in the first 40 s, then again from 60 s on.
  for (let k = 0; k < 450_000; k++) {
    const t = k * 0.2;
    const u = pacer.nextIndex(t);
    if (u < 0) continue;
    assert.ok(t - last[u]! >= 60_000, `user ${u} tried at ${last[u]} and ${t}`);
    last[u] = t;
    sent++;
  }
  // Exact would be 200,000 + 30 s × 5,000; the block ring may wait at most a few asks longer.
  assert.ok(sent <= 350_000 && sent >= 349_900, `${sent} sent`);
  const fresh = new UserPacer(3, { perUserPerMinute: 1, wrongPerUserPerHour: 0, wrongPasswordShare: 0 });
  assert.throws(() => fresh.next(0), TypeError, 'a pacer built from a count names users by index only');
});
