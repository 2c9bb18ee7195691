import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import type { AgentTimesView } from '../../src/sim/processing-times.js';
import { ALICE, admin, ropc, sim } from './sim-client.js';

const s = await sim({
  agents: [
    { name: 'agent-1', cores: 4, capacity: 200 },
    { name: 'agent-2', cores: 4, capacity: 400 },
  ],
});

interface Entry {
  readonly correlationId: string;
  readonly agent?: string;
  readonly processingMs: number;
}

test("the sim's own processing-time record: per agent, what its sign-ins took from request to reply, and the agent's part", async () => {
  const clientMs = new Map<string, number>();
  for (let i = 0; i < 24; i++) {
    const id = randomUUID();
    const fields =
      i % 8 === 3 ? { password: 'wrong' } : i % 8 === 5 ? { username: 'nobody@contoso.test' } : {};
    const t0 = performance.now();
    await ropc(
      s,
      { ...fields, username: fields.username ?? ALICE.username },
      { headers: { 'client-request-id': id } },
    );
    clientMs.set(id, performance.now() - t0);
  }
  const r = await admin(s, 'GET', '/_sim/processing');
  assert.equal(r.status, 200);
  const body = r.json as {
    unit: string;
    histogram: { numberOfSignificantValueDigits: number };
    agents: AgentTimesView[];
  };
  assert.equal(body.unit, 'µs');
  assert.equal(body.histogram.numberOfSignificantValueDigits, 3);

  const held = (await admin(s, 'GET', '/_sim/signins?limit=1000')).json as { signIns: Entry[] };
  const rows = held.signIns.filter((e) => clientMs.has(e.correlationId));
  assert.equal(rows.length, 24);
  for (const e of rows) {
    assert.ok(
      e.processingMs > 0 && e.processingMs <= clientMs.get(e.correlationId)!,
      `processing ${e.processingMs} ms lies within the client's ${clientMs.get(e.correlationId)} ms`,
    );
  }
  const byAgent = new Map<string, Entry[]>();
  for (const e of rows) if (e.agent) byAgent.set(e.agent, [...(byAgent.get(e.agent) ?? []), e]);
  assert.equal(
    [...byAgent.values()].reduce((n, l) => n + l.length, 0),
    21,
    'every sign-in an agent validated (wrong passwords too), none of the unknown users',
  );
  const agents = s.pool.list();
  assert.deepEqual(
    body.agents.map((a) => a.name),
    [...byAgent.keys()].sort(),
  );
  for (const view of body.agents) {
    const raw = byAgent
      .get(view.name)!
      .map((e) => e.processingMs)
      .sort((a, b) => a - b);
    const agent = agents.find((a) => a.name === view.name)!;
    assert.equal(view.agentId, agent.agentId);
    assert.equal(view.processingMs.count, raw.length);
    assert.equal(view.processingMs.count, agent.served + agent.failed);
    const h = hdr.decodeFromCompressedBase64(view.processingHistogram, 32, false) as hdr.JsHistogram;
    // HdrHistogram's percentile is the order statistic at ⌈p·n⌉, reported as its bucket's top.
    for (const [figure, p] of [
      ['p50', 50],
      ['p90', 90],
      ['max', 100],
    ] as const) {
      const exactUs = Math.round(raw[Math.max(0, Math.ceil((p / 100) * raw.length) - 1)]! * 1000);
      const reported = view.processingMs[figure]! * 1000;
      assert.ok(
        reported >= exactUs && reported - exactUs <= h.sizeOfEquivalentValueRange(exactUs),
        `${view.name} ${figure}: ${reported} µs for the raw ${exactUs} µs`,
      );
    }
    assert.equal(view.serviceMs.count, view.processingMs.count);
    assert.ok(view.serviceMs.p50! > 0);
    assert.ok(view.serviceMs.max! <= view.processingMs.max! + 2, 'the agent’s part fits in the whole');
  }
});
