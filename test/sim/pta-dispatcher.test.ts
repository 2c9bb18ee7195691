import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/seeded-random.js';
import type { Agent } from '../../src/sim/agent.js';
import { AgentPool } from '../../src/sim/agent-pool.js';
import { Dispatcher, Validation, type Verdict } from '../../src/sim/pta-dispatcher.js';
import { TimerWheel } from '../../src/sim/timer-wheel.js';
import { sleep, until } from './sim-client.js';

class Probe extends Validation {
  answers: { verdict: Verdict; agent: string | undefined }[] = [];
}

function setup(opts: {
  ptaTimeoutMs: number;
  detectionDelayMs: number;
  directory?: { concurrency: number; serviceTimeMs: number };
}) {
  const wheel = new TimerWheel();
  const dispatcher = new Dispatcher<Probe>({
    wheel,
    ptaTimeoutMs: opts.ptaTimeoutMs,
    queueTimeoutMs: opts.ptaTimeoutMs / 2,
    detectionDelayMs: opts.detectionDelayMs,
    seed: 3,
    directory: opts.directory,
    answer: (v: Probe, verdict: Verdict, agent: Agent | null) =>
      v.answers.push({ verdict, agent: agent?.name }),
  });
  const pool = new AgentPool(dispatcher, { slow: { slowFactor: 3 } });
  return { wheel, dispatcher, pool };
}

test('under random agent churn every validation is answered exactly once and the books balance', async () => {
  const keepAlive = setInterval(() => {}, 1000);
  const { dispatcher, pool, wheel } = setup({ ptaTimeoutMs: 150, detectionDelayMs: 40 });
  const names = ['a', 'b', 'c', 'd', 'e'];
  for (const name of names.slice(0, 3))
    pool.add({ name, cores: 2, capacity: 400, version: name === 'c' ? 'slow' : '1' });
  const random = seededRandom(9, 'churn');
  const probes: Probe[] = [];
  for (let step = 0; step < 60; step++) {
    for (let i = Math.floor(random() * 12); i > 0; i--) {
      const p = new Probe();
      probes.push(p);
      dispatcher.submit(p);
    }
    const name = names[Math.floor(random() * names.length)]!;
    const roll = random();
    try {
      if (roll < 0.15)
        pool.add({ name, cores: 1 + Math.floor(random() * 4), capacity: 200 + random() * 800 });
      else if (roll < 0.25) pool.remove(name, 'drain');
      else if (roll < 0.33) pool.remove(name, 'crash');
      else if (roll < 0.43) pool.restore(name);
      else if (roll < 0.5) pool.degrade(name, { slowFactor: 1 + random() * 3, errorRate: random() * 0.3 });
    } catch {
      // unknown or already active: the admin API would answer 404/409
    }
    await sleep(5);
  }
  await until(() => probes.every((p) => p.answers.length > 0), 5000);
  await sleep(200); // anything answering twice would have done so by now (deadlines are 150 ms)
  assert.ok(probes.length > 200);
  for (const p of probes) assert.equal(p.answers.length, 1, 'answered exactly once');
  const verdicts = new Map<string, number>();
  for (const p of probes)
    verdicts.set(String(p.answers[0]!.verdict), (verdicts.get(String(p.answers[0]!.verdict)) ?? 0) + 1);
  const agents = pool.list();
  assert.equal(
    agents.reduce((n, a) => n + a.served, 0),
    verdicts.get('checked') ?? 0,
  );
  assert.equal(
    agents.reduce((n, a) => n + a.failed, 0),
    (verdicts.get('80005') ?? 0) + (verdicts.get('80007') ?? 0),
  );
  for (const a of agents) assert.equal(a.inFlight, 0, `${a.name} holds nothing once all is answered`);
  assert.equal(dispatcher.queueDepth, 0);
  assert.ok(
    (verdicts.get('80002') ?? 0) > 0 && (verdicts.get('checked') ?? 0) > 0,
    JSON.stringify([...verdicts]),
  );
  for (const p of probes) {
    const { verdict, agent } = p.answers[0]!;
    if (verdict === 80001) assert.equal(agent, undefined);
    if (verdict === 'checked' || verdict === 80005 || verdict === 80007) assert.ok(agent);
  }
  wheel.stop();
  clearInterval(keepAlive);
});

test('a queued request is taken by an agent that joins later', async () => {
  const keepAlive = setInterval(() => {}, 1000);
  const { dispatcher, pool, wheel } = setup({ ptaTimeoutMs: 2000, detectionDelayMs: 0 });
  pool.add({ name: 'busy', cores: 1, capacity: 2 }); // 500 ms per validation
  const first = new Probe();
  const second = new Probe();
  dispatcher.submit(first);
  dispatcher.submit(second);
  assert.equal(dispatcher.queueDepth, 1);
  pool.add({ name: 'late', cores: 1, capacity: 1000 });
  assert.equal(dispatcher.queueDepth, 0, 'the new agent took the queued request at once');
  await until(() => first.answers.length > 0 && second.answers.length > 0);
  assert.deepEqual(second.answers, [{ verdict: 'checked', agent: 'late' }]);
  assert.deepEqual(first.answers, [{ verdict: 'checked', agent: 'busy' }]);
  wheel.stop();
  clearInterval(keepAlive);
});
