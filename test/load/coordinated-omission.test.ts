import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { Histogram } from 'hdr-histogram-js';
import { runLoad } from '../../src/load/coordinator.js';
import { addHistograms } from '../../src/metrics/totals.js';
import type { Target } from '../../src/targets/target.js';
import { buildUserTable } from '../../src/users/user-table.js';

/**
 * A server that answers at once but stalls for 1 s every 5 s, like a GC pause or a stuck agent. A tool that
 * waits for replies before sending (coordinated omission) would report ~1 ms; measuring from each request's
 * intended start must show the stall in the high percentiles.
 */
function stallingServer(startedAt: number) {
  const held: ServerResponse[] = [];
  const reply = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      '{"token_type":"Bearer","scope":"openid","expires_in":3599,"ext_expires_in":3599,"access_token":"x"}',
    );
  };
  const stalled = () => (Date.now() - startedAt) % 5000 >= 4000;
  const release = setInterval(() => {
    if (!stalled()) for (const res of held.splice(0)) reply(res);
  }, 5);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => (stalled() ? held.push(res) : reply(res)));
  });
  return { server, stop: () => clearInterval(release) };
}

test('latency is measured from the intended start: a 1 s stall shows in p90/p99', async () => {
  const startedAt = Date.now();
  const { server, stop } = stallingServer(startedAt);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const target: Target = {
    kind: 'entra',
    url: `http://127.0.0.1:${port}`,
    tenant: 'contoso.test',
    request: {
      origin: `http://127.0.0.1:${port}`,
      tokenPath: '/contoso.test/oauth2/v2.0/token',
      clientId: 'c',
      scope: 'openid',
    },
    users: buildUserTable([{ username: 'u1@contoso.test', password: 'p-1', state: 'active' }]),
    agents: [],
    applyEvent: async () => ({ ok: true, agents: [] }),
    close: async () => {},
  };
  const series: Histogram[] = [];
  let completed = 0;
  try {
    const result = await runLoad(
      {
        phases: [{ name: 'steady', durationMs: 5500, shape: 'constant', rate: 200 }],
        arrivals: 'uniform',
        seed: 1,
        intervalMs: 1000,
        lateThresholdMs: 5,
        workers: 1,
        connections: 64,
        timeoutMs: 10_000,
        wrongPasswordShare: 0,
        timeline: [],
        stopGraceMs: 3000,
      },
      target,
      {
        interval: (record, histograms) => {
          completed += record.completed;
          for (const h of histograms.values()) series.push(h);
        },
        timeline: () => {},
        note: () => {},
      },
    );
    assert.equal(result.status, 'completed');
  } finally {
    stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  const all = addHistograms(series);
  // Every arrival was sent and answered, including those due during the stall.
  assert.equal(all.totalCount, completed);
  assert.ok(completed >= 1000, `about 1100 sign-ins expected, got ${completed}`);
  // Requests due during the stall waited up to 1 s: p99 must show hundreds of ms, not ~1 ms.
  const p90 = all.getValueAtPercentile(90) / 1000;
  const p99 = all.getValueAtPercentile(99) / 1000;
  assert.ok(p99 >= 500, `p99 reflects the stall (got ${p99.toFixed(1)} ms)`);
  assert.ok(p90 >= 100, `p90 reflects the stall (got ${p90.toFixed(1)} ms)`);
  assert.ok(all.maxValue / 1000 >= 800, 'the worst wait is close to the stall length');
});
