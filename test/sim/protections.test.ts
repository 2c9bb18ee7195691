import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSim } from '../../src/sim/server.js';
import { ALICE, admin, assertEntraError, ropc, sim, USERS } from './sim-client.js';

function manualClock(start = Date.UTC(2025, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('request loop: past the threshold one user gets 50196 until the window ends; others are not affected', async () => {
  const clock = manualClock();
  const s = await sim({ clock, requestLoop: { threshold: 3, windowMs: 60_000 } });
  for (let i = 0; i < 3; i++) assert.equal((await ropc(s)).status, 200);
  const looped = await ropc(s);
  assertEntraError(looped, 50196, 400, 'invalid_grant');
  assert.equal(looped.agent, undefined, 'decided before any agent');
  assert.equal((await ropc(s, { username: 'bob@contoso.test', password: 'Bob-Pass-2' })).status, 200);
  clock.advance(60_000);
  assert.equal((await ropc(s)).status, 200, 'a new window');
});

test('IP block: 50053 for everyone, right password or not, switchable through the admin API', async () => {
  const s = await sim({ ipBlock: true });
  for (const fields of [{}, { password: 'wrong' }, { username: 'nobody@contoso.test' }]) {
    const r = await ropc(s, fields);
    assertEntraError(r, 50053, 400, 'invalid_grant');
    assert.equal(r.agent, undefined);
  }
  assert.equal((await admin(s, 'POST', '/_sim/ip-block', { on: false })).status, 200);
  assert.equal((await ropc(s)).status, 200);
  await admin(s, 'POST', '/_sim/ip-block', { on: true });
  assertEntraError(await ropc(s), 50053, 400, 'invalid_grant');
  assert.equal(((await admin(s, 'GET', '/_sim/counters')).json as { lockedUsers: number }).lockedUsers, 0);
});

test('app types: a public client must not send a secret (700025); a confidential one must send the right, current one', async () => {
  const pub = await sim();
  assertEntraError(await ropc(pub, { client_secret: 's3cret' }), 700025, 401, 'invalid_client');

  const conf = await sim({ app: { type: 'confidential', secret: 'the-secret' } });
  assertEntraError(await ropc(conf), 7000218, 401, 'invalid_client');
  const wrong = await ropc(conf, { client_secret: 'not-it' });
  assertEntraError(wrong, 7000215, 401, 'invalid_client');
  assert.doesNotMatch(JSON.stringify(wrong.json), /not-it|the-secret/, 'no secret in the reply');
  assert.equal((await ropc(conf, { client_secret: 'the-secret' })).status, 200);

  const expired = await sim({ app: { type: 'confidential', secret: 'old', secretExpired: true } });
  assertEntraError(await ropc(expired, { client_secret: 'old' }), 7000222, 401, 'invalid_client');
  await assert.rejects(startSim({ app: { type: 'confidential' } }), /confidential but has no client secret/);
});

test('the 41st agent is refused, as Entra refuses to register more than 40', async () => {
  const forty = Array.from({ length: 40 }, (_, i) => ({ name: `a${i + 1}`, cores: 1 }));
  const s = await sim({ agents: forty });
  const r = await admin(s, 'POST', '/_sim/agents', { name: 'a41' });
  assert.equal(r.status, 409);
  assert.match((r.json as { message: string }).message, /already has 40 authentication agents registered/);
  assert.equal(s.pool.list().length, 40);
  await admin(s, 'DELETE', '/_sim/agents/a1?mode=drain');
  assert.equal(
    (await admin(s, 'POST', '/_sim/agents', { name: 'a41' })).status,
    201,
    'room after an uninstall',
  );
  await assert.rejects(
    startSim({ agents: [...forty, { name: 'a41' }] }),
    /41 agents given, but Entra registers at most 40 per tenant/,
  );
});

test('late answers: 80014 when the agent answers after the deadline, if so configured; 80002 by default', async () => {
  const slow = { agents: [{ name: 'slow', cores: 3, capacity: 3 }], ptaTimeoutMs: 50, seed: 3 };
  const late = await sim({ ...slow, lateAnswerCode: 80014 });
  const replies = await Promise.all(Array.from({ length: 3 }, () => ropc(late)));
  const codes = replies.map((r) => r.code);
  assert.ok(codes.includes(80014), `some answered late: ${codes}`);
  assert.ok(!codes.includes(80002), `none cut off at the deadline: ${codes}`);
  for (const r of replies.filter((x) => x.code === 80014)) assert.equal(r.agent, 'slow');

  const cut = await sim(slow);
  const first = await ropc(cut);
  assertEntraError(first, 80002, 400, 'invalid_grant');
});

test('user states: ca-blocked answers 53003 and expired (the AD password) 50144, both after the agent checked', async () => {
  const s = await sim({
    users: [...USERS, { username: 'ca@contoso.test', password: 'Ca-Pass-6', state: 'ca-blocked' }],
  });
  const ca = await ropc(s, { username: 'ca@contoso.test', password: 'Ca-Pass-6' });
  assertEntraError(ca, 53003, 400, 'invalid_grant');
  assert.match(ca.agent ?? '', /^agent-/);
  assertEntraError(
    await ropc(s, { username: 'erin@contoso.test', password: 'Erin-Pass-4' }),
    50144,
    400,
    'invalid_grant',
  );
  assert.equal((await ropc(s, { username: ALICE.username })).status, 200);
});
