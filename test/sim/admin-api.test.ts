import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, ropc, sim } from './sim-client.js';

const s = await sim({ adminToken: 'let-me-in' });

test('the admin API refuses requests without the bearer token, or with a wrong one', async () => {
  for (const token of [null, 'let-me-i', 'let-me-in-please', '']) {
    const r = await admin(s, 'GET', '/_sim/agents', undefined, token);
    assert.equal(r.status, 401, `token ${token}`);
    assert.equal((r.json as { error: string }).error, 'unauthorized');
  }
  const sneaky = await admin(s, 'POST', '/_sim/agents', { name: 'intruder' }, null);
  assert.equal(sneaky.status, 401);
  assert.equal(
    s.pool.list().some((a) => a.name === 'intruder'),
    false,
  );
});

test('agents are listed with their live counters and the queue depth', async () => {
  await ropc(s);
  const r = await admin(s, 'GET', '/_sim/agents');
  assert.equal(r.status, 200);
  const body = r.json as { agents: Record<string, unknown>[]; queueDepth: number };
  assert.equal(body.queueDepth, 0);
  assert.deepEqual(
    body.agents.map((a) => a.name),
    ['agent-1', 'agent-2', 'agent-3', 'agent-4'],
  );
  for (const key of [
    'version',
    'site',
    'cores',
    'capacity',
    'state',
    'slowFactor',
    'errorRate',
    'served',
    'failed',
    'inFlight',
  ]) {
    assert.ok(key in body.agents[0]!, `agents carry ${key}`);
  }
  assert.deepEqual([body.agents[0]!.cores, body.agents[0]!.capacity], [4, 350]);
  assert.equal(
    body.agents.reduce((n, a) => n + (a.served as number), 0),
    1,
  );
});

test('add returns 201, a name already active is 409, a removed one is revived, unknown names 404', async () => {
  const added = await admin(s, 'POST', '/_sim/agents', {
    name: 'extra',
    cores: 8,
    version: '1.5.2',
    site: 'dc2',
  });
  assert.equal(added.status, 201);
  assert.deepEqual((added.json as { agent: { capacity: number } }).agent.capacity, 700, '350/s per 4 cores');
  assert.equal((await admin(s, 'POST', '/_sim/agents', { name: 'extra' })).status, 409);
  assert.equal((await admin(s, 'DELETE', '/_sim/agents/extra?mode=crash')).status, 200);
  const revived = await admin(s, 'POST', '/_sim/agents', 'extra');
  assert.equal(revived.status, 201);
  assert.equal((revived.json as { agent: { state: string } }).agent.state, 'active');
  assert.equal((await admin(s, 'DELETE', '/_sim/agents/ghost')).status, 404);
  assert.equal((await admin(s, 'POST', '/_sim/agents/ghost/degrade', { slowFactor: 2 })).status, 404);
  assert.equal((await admin(s, 'DELETE', '/_sim/agents/extra?mode=explode')).status, 400);
  const bad = await admin(s, 'POST', '/_sim/agents', { name: 'x', cores: 0 });
  assert.equal(bad.status, 400);
  assert.match((bad.json as { message: string }).message, /cores/);
  assert.equal((await admin(s, 'GET', '/_sim/nothing')).status, 404);
});

test('users can be loaded over the API (no passwords on disk) and sign in at once', async () => {
  const user = { username: 'new.hire@contoso.test', password: 'Fresh-Pass-9' };
  assert.equal((await ropc(s, user)).code, 50034);
  const r = await admin(s, 'POST', '/_sim/users', { users: [user] });
  assert.equal(r.status, 204);
  assert.equal((await ropc(s, user)).status, 200);
  const dup = await admin(s, 'POST', '/_sim/users', {
    users: [user, { ...user, username: 'NEW.HIRE@contoso.test' }],
  });
  assert.equal(dup.status, 400, 'a batch naming one user twice is refused');
  assert.match((dup.json as { message: string }).message, /duplicate username/);
});

test('counters report requests by code and what agents did', async () => {
  await ropc(s, { password: 'wrong' });
  const r = await admin(s, 'GET', '/_sim/counters');
  assert.equal(r.status, 200);
  const c = r.json as { requests: number; byCode: Record<string, number>; served: number; timedOut: number };
  assert.ok(c.requests >= 3);
  assert.ok((c.byCode['0'] ?? 0) >= 2);
  assert.ok((c.byCode['50126'] ?? 0) >= 1);
  assert.equal(
    c.served,
    s.pool.list().reduce((n, a) => n + a.served, 0),
  );
  assert.equal(c.timedOut, 0);
});
