import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, assertEntraError, ropc, sim, sleep, tally, until } from './sim-client.js';

test('removing the only agent leaves no one to validate: 80001 at once, without an agent header', async () => {
  const s = await sim({ agents: [{ name: 'only' }] });
  assert.equal((await ropc(s)).agent, 'only');
  assert.equal((await admin(s, 'DELETE', '/_sim/agents/only?mode=drain')).status, 200);
  const r = await ropc(s);
  assertEntraError(r, 80001, 400, 'invalid_grant');
  assert.equal(r.agent, undefined);
  assert.equal(s.counters.of(80001), 1);
});

test('adding agents moves traffic to them; a drained agent gets no more', async () => {
  const s = await sim({ agents: [{ name: 'old' }] });
  const before = tally(await Promise.all(Array.from({ length: 10 }, () => ropc(s))));
  assert.deepEqual([...before.byAgent], [['old', 10]]);
  for (const name of ['new-1', 'new-2']) {
    assert.equal((await admin(s, 'POST', '/_sim/agents', { name, site: 'dc2' })).status, 201);
  }
  const mixed = tally(await Promise.all(Array.from({ length: 60 }, () => ropc(s))));
  for (const name of ['old', 'new-1', 'new-2'])
    assert.ok((mixed.byAgent.get(name) ?? 0) > 0, `${name} served some`);
  await admin(s, 'DELETE', '/_sim/agents/old?mode=drain');
  const after = tally(await Promise.all(Array.from({ length: 30 }, () => ropc(s))));
  assert.equal(after.byAgent.get('old'), undefined);
  assert.equal(after.byCode.get(0), 30);
});

test('drain finishes what the agent holds; crash leaves it to time out (80002, named after the dead agent)', async () => {
  // One slow agent (2 cores, mean 250 ms per validation) so requests are surely in flight when it goes.
  const opts = { agents: [{ name: 'slow', cores: 2, capacity: 8 }], ptaTimeoutMs: 1500, detectionDelayMs: 0 };
  const drained = await sim(opts);
  const held = [ropc(drained), ropc(drained)];
  await until(() => drained.pool.list()[0]!.inFlight === 2);
  await admin(drained, 'DELETE', '/_sim/agents/slow?mode=drain');
  assert.equal(drained.pool.list()[0]!.state, 'draining');
  for (const r of await Promise.all(held)) assert.deepEqual([r.status, r.agent], [200, 'slow']);
  assert.equal(drained.pool.list()[0]!.state, 'removed');
  assert.equal(drained.counters.of(80002), 0, 'drain loses nothing');

  const crashed = await sim(opts);
  const lost = [ropc(crashed), ropc(crashed)];
  await until(() => crashed.pool.list()[0]!.inFlight === 2);
  await admin(crashed, 'DELETE', '/_sim/agents/slow?mode=crash');
  assertEntraError(await ropc(crashed), 80001, 400, 'invalid_grant');
  for (const r of await Promise.all(lost)) {
    assertEntraError(r, 80002, 400, 'invalid_grant');
    assert.equal(r.agent, 'slow', 'the harness can see which agent lost them');
  }
  const view = crashed.pool.list()[0]!;
  assert.deepEqual([view.state, view.served, view.timedOut], ['crashed', 0, 2]);
});

test('a crashed agent keeps getting its share until the detection delay ends, then none', async () => {
  const s = await sim({
    agents: [{ name: 'dies' }, { name: 'lives' }],
    ptaTimeoutMs: 400,
    detectionDelayMs: 600,
  });
  await admin(s, 'DELETE', '/_sim/agents/dies?mode=crash');
  const during = await Promise.all(Array.from({ length: 30 }, () => ropc(s)));
  for (const r of during) {
    if (r.agent === 'dies') assertEntraError(r, 80002, 400, 'invalid_grant');
    else assert.deepEqual([r.code, r.agent], [0, 'lives']);
  }
  assert.ok(
    during.filter((r) => r.agent === 'dies').length >= 3,
    'the dead agent still took requests inside the window',
  );
  await sleep(400); // past 600 ms from the crash: the first batch took at least the 400 ms timeout
  const after = await Promise.all(Array.from({ length: 30 }, () => ropc(s)));
  assert.deepEqual([...tally(after).byAgent], [['lives', 30]]);
});

test('degrade makes an agent fail validations with 80005/80007; restore heals it', async () => {
  const s = await sim({ agents: [{ name: 'flaky' }] });
  const r = await admin(s, 'POST', '/_sim/agents/flaky/degrade', { errorRate: 1, slowFactor: 2 });
  assert.equal(r.status, 200);
  assert.equal((r.json as { agent: { state: string } }).agent.state, 'degraded');
  const failed = await Promise.all(Array.from({ length: 20 }, () => ropc(s)));
  const codes = new Set(failed.map((f) => f.code));
  assert.deepEqual([...codes].sort(), [80005, 80007]);
  for (const f of failed) {
    assertEntraError(f, f.code, 400, 'invalid_grant');
    assert.equal(f.agent, 'flaky');
  }
  assert.equal(s.pool.list()[0]!.failed, 20);
  await admin(s, 'POST', '/_sim/agents/flaky/restore');
  assert.equal((await ropc(s)).status, 200);
  assert.equal(s.pool.list()[0]!.state, 'active');
});

test('a site fails and comes back as a whole', async () => {
  const s = await sim({
    agents: [
      { name: 'a1', site: 'east' },
      { name: 'a2', site: 'east' },
      { name: 'b1', site: 'west' },
    ],
    detectionDelayMs: 0,
  });
  const failed = await admin(s, 'POST', '/_sim/sites/east/fail?mode=crash');
  assert.equal(failed.status, 200);
  const states = (failed.json as { agents: { name: string; state: string }[] }).agents.map((a) => a.state);
  assert.deepEqual(states, ['crashed', 'crashed']);
  assert.deepEqual(
    [...tally(await Promise.all(Array.from({ length: 10 }, () => ropc(s)))).byAgent],
    [['b1', 10]],
  );
  assert.equal((await admin(s, 'POST', '/_sim/sites/east/restore')).status, 200);
  const back = tally(await Promise.all(Array.from({ length: 40 }, () => ropc(s))));
  assert.ok((back.byAgent.get('a1') ?? 0) > 0 && (back.byAgent.get('a2') ?? 0) > 0);
  assert.equal((await admin(s, 'POST', '/_sim/sites/nowhere/fail')).status, 404);
});
