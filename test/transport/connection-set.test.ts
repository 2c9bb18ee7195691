import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, test } from 'node:test';
import { createRequestLanes } from '../../src/transport/connection-set.js';
import { RopcExchanges, type SignInExchange } from '../../src/transport/ropc-exchange.js';
import { RopcRequest, tokenUrl } from '../../src/transport/ropc-request.js';

const TOKEN = '{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAi.x.y"}';
const timeouts = { connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 };

/**
 * A server on 127.0.0.1:0 that answers after `delayMs`, counting connections and how many requests each
 * connection had open at once (pipelining would show as more than one).
 */
async function countingServer(reply: (res: ServerResponse) => void, delayMs = 5) {
  const sockets = new Set<Socket>();
  const open = new Map<Socket, number>();
  let accepted = 0;
  let mostOnOne = 0;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const s = req.socket;
    open.set(s, (open.get(s) ?? 0) + 1);
    mostOnOne = Math.max(mostOnOne, open.get(s)!);
    requests++;
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        open.set(s, open.get(s)! - 1);
        reply(res);
      }, delayMs),
    );
  });
  server.on('connection', (s: Socket) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  after(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return {
    origin,
    stats: () => ({ accepted, mostOnOne, requests }),
  };
}

function ok(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(TOKEN);
}

/** Sends `n` sign-ins at once through a connection set of `connections`; resolves with every outcome. */
function burst(origin: string, connections: number, n: number) {
  const lanes = createRequestLanes({ origin, connections, ...timeouts });
  const ropc = new RopcRequest({ tokenUrl: tokenUrl(origin, 'contoso'), clientId: 'c', scope: 's' });
  const outcomes = new Map<number, string[]>();
  let done!: () => void;
  const all = new Promise<void>((r) => {
    done = r;
  });
  let answered = 0;
  const exchanges = new RopcExchanges(
    lanes,
    ropc,
    (x: SignInExchange) => {
      const seen = outcomes.get(x.sequence) ?? [];
      seen.push(x.classified.outcome);
      outcomes.set(x.sequence, seen);
      if (++answered === n) done();
    },
    5000,
  );
  for (let i = 0; i < n; i++) {
    const x = exchanges.acquire();
    x.sequence = i;
    exchanges.send(x, Buffer.from(ropc.body(`u${i}`, 'pw')), `id-${i}`);
  }
  return { lanes, outcomes, all };
}

test('more sign-ins than connections: each answered once, never more connections than asked, one request at a time on each', async () => {
  const server = await countingServer(ok);
  const { lanes, outcomes, all } = burst(server.origin, 4, 60);
  await all;
  await lanes.close();
  assert.equal(outcomes.size, 60);
  for (const [sequence, seen] of outcomes) assert.deepEqual(seen, ['success'], `sign-in ${sequence}`);
  const { accepted, mostOnOne, requests } = server.stats();
  assert.equal(requests, 60);
  assert.ok(accepted <= 4, `${accepted} connections opened for a set of 4`);
  assert.equal(mostOnOne, 1, 'pipelining: a connection carried two requests at once');
});

test('a server that closes every connection after its reply: the waiting sign-ins go out on fresh connections', async () => {
  const server = await countingServer((res) =>
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(TOKEN),
  );
  const { lanes, outcomes, all } = burst(server.origin, 3, 20);
  await all;
  await lanes.close();
  assert.equal(outcomes.size, 20);
  for (const seen of outcomes.values()) assert.deepEqual(seen, ['success']);
  assert.ok(server.stats().accepted >= 20, 'each reply closed its connection, so each sign-in had its own');
});

test('close() waits for the sign-ins still waiting for a connection', async () => {
  const server = await countingServer(ok, 20);
  const { lanes, outcomes } = burst(server.origin, 2, 10);
  await lanes.close();
  assert.equal(outcomes.size, 10, 'close resolved before every waiting sign-in was answered');
  for (const seen of outcomes.values()) assert.deepEqual(seen, ['success']);
});

test('nothing listening: every sign-in, sent or waiting, ends once as a network error', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
  const { lanes, outcomes, all } = burst(origin, 2, 9);
  await all;
  await lanes.destroy();
  assert.equal(outcomes.size, 9);
  for (const seen of outcomes.values()) assert.deepEqual(seen, ['network_error']);
});
