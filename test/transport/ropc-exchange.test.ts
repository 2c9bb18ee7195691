import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { AADSTS } from '../../src/protocol/aadsts.js';
import { AGENT_HEADER } from '../../src/protocol/token.js';
import { createRequestLanes, type RequestLanes } from '../../src/transport/connection-set.js';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../../src/transport/dispatcher.js';
import { RopcExchanges, type SignInExchange } from '../../src/transport/ropc-exchange.js';
import { RopcRequest, tokenUrl } from '../../src/transport/ropc-request.js';
import { entraError, json, type ReplyServer, startReplyServer, TOKEN_REPLY } from './reply-server.js';

const timeouts = { connectTimeoutMs: 5_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };

/** What a test reads back from an exchange (it is reused once `onReply` returns). */
interface Seen {
  readonly x: SignInExchange;
  readonly sequence: number;
  readonly status: number;
  readonly agent: string | undefined;
  readonly requestId: string | undefined;
  readonly outcome: string;
  readonly code: number | undefined;
  readonly retryAfterS: number | undefined;
  readonly detail: string | undefined;
}

function answer(username: string, res: ServerResponse): void {
  const [kind, arg] = username.split(':');
  const ids = { 'x-ms-request-id': `req-${username}` };
  switch (kind) {
    case 'ok':
      json(res, 200, TOKEN_REPLY, { [AGENT_HEADER]: 'agent-3', ...ids });
      return;
    case 'code': {
      const e = Object.values(AADSTS).find((x) => x.code === Number(arg))!;
      json(res, e.status, entraError(e.code, e.error, e.message), { [AGENT_HEADER]: 'agent-1', ...ids });
      return;
    }
    case 'throttle':
      json(res, 429, entraError(50196, 'temporarily_unavailable', 'slow down'), {
        'retry-after': arg ?? '3',
      });
      return;
    case 'html200':
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>');
      return;
    case 'html502':
      res
        .writeHead(502, { 'content-type': 'text/html' })
        .end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    case 'cut200':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10000' });
      res.write('{"token_type":"Bearer"');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    case 'huge200':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(Buffer.alloc(2 << 20, 32));
      res.end();
      return;
    case 'hang':
      return;
    default:
      res.writeHead(500).end('unexpected');
  }
}

/** Both ways sign-ins reach connections: undici's Pool (what a proxy path uses) and the generator's own set. */
const CONNECTIONS: readonly (readonly [string, (o: DispatcherOptions) => Dispatcher | RequestLanes])[] = [
  ['undici Pool', createDispatcher],
  ['connection set', createRequestLanes],
];

for (const [via, connect] of CONNECTIONS) {
  describe(`RopcExchanges over real HTTP (${via})`, () => {
    let server: ReplyServer;
    let dispatcher: Dispatcher | RequestLanes;
    let ropc: RopcRequest;
    let exchanges: RopcExchanges;
    const waiting = new Map<number, (s: Seen) => void>();
    let sequence = 0;

    const onReply = (x: SignInExchange) => {
      waiting.get(x.sequence)?.({
        x,
        sequence: x.sequence,
        status: x.status,
        agent: x.agent,
        requestId: x.requestId,
        outcome: x.classified.outcome,
        code: x.classified.code,
        retryAfterS: x.classified.retryAfterS,
        detail: x.classified.detail,
      });
    };

    const send = (username: string, opts: { keepIds?: boolean; timeoutMs?: number } = {}): Promise<Seen> => {
      const target =
        opts.timeoutMs === undefined
          ? exchanges
          : new RopcExchanges(dispatcher, ropc, onReply, opts.timeoutMs);
      const x = target.acquire();
      x.sequence = ++sequence;
      x.keepIds = opts.keepIds ?? false;
      const done = new Promise<Seen>((resolve) => waiting.set(x.sequence, resolve));
      target.send(
        x,
        Buffer.from(ropc.body(username, 'pw')),
        `00000000-0000-8000-8000-${String(x.sequence).padStart(12, '0')}`,
      );
      return done;
    };

    before(async () => {
      server = await startReplyServer((req, res) =>
        answer(new URLSearchParams(req.body).get('username') ?? '', res),
      );
      dispatcher = connect({ origin: server.origin, connections: 8, ...timeouts });
      ropc = new RopcRequest({
        tokenUrl: tokenUrl(server.origin, 'contoso.test'),
        clientId: 'c',
        scope: 'openid',
      });
      exchanges = new RopcExchanges(dispatcher, ropc, onReply, 5_000);
    });
    after(async () => {
      await dispatcher.destroy();
      await server.close();
    });

    test('a token reply is a success with its agent; the request carries the body, the fixed headers and the correlation id', async () => {
      const seen = await send('ok');
      assert.equal(seen.status, 200);
      assert.equal(seen.outcome, 'success');
      assert.equal(seen.agent, 'agent-3');
      assert.equal(seen.requestId, undefined, 'a success keeps no request id unless asked');
      const req = server.seen.at(-1)!;
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/contoso.test/oauth2/v2.0/token');
      assert.equal(req.body, ropc.body('ok', 'pw'));
      assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(
        req.headers['client-request-id'],
        `00000000-0000-8000-8000-${String(seen.sequence).padStart(12, '0')}`,
      );
      assert.equal(req.headers['return-client-request-id'], 'true');
      const kept = await send('ok', { keepIds: true });
      assert.equal(kept.requestId, 'req-ok');
    });

    for (const [code, outcome] of [
      [50126, 'invalid_credentials'],
      [50053, 'locked'],
      [80002, 'pta_timeout'],
      [7000218, 'config_error'],
    ] as const) {
      test(`AADSTS${code} → ${outcome}, with the reply's x-ms-request-id`, async () => {
        const seen = await send(`code:${code}`);
        assert.equal(seen.outcome, outcome);
        assert.equal(seen.code, code);
        assert.equal(seen.agent, 'agent-1');
        assert.equal(seen.requestId, `req-code:${code}`);
      });
    }

    test('429 is throttled with its Retry-After', async () => {
      const seen = await send('throttle:11');
      assert.equal(seen.outcome, 'throttled');
      assert.equal(seen.retryAfterS, 11);
    });

    test('odd replies land in a defined class', async () => {
      const html = await send('html200');
      assert.equal(html.outcome, 'other');
      assert.match(html.detail!, /text\/html/);
      const bad = await send('html502');
      assert.equal(bad.outcome, 'http_5xx');
      assert.match(bad.detail!, /502 Bad Gateway/);
      const cut = await send('cut200');
      assert.equal(cut.outcome, 'network_error');
      const huge = await send('huge200');
      // Past the body cap no token endpoint is talking: not a success, and not read further.
      assert.equal(huge.outcome, 'other');
      assert.match(huge.detail!, /over 64 KiB, not read further/);
    });

    test('no reply within the timeout is a client timeout', async () => {
      const seen = await send('hang', { timeoutMs: 150 });
      assert.equal(seen.status, 0);
      assert.equal(seen.outcome, 'client_timeout');
    });

    test('exchanges are reused: a thousand sign-ins one after another need one', async () => {
      const used = new Set<SignInExchange>();
      for (let i = 0; i < 50; i++) used.add((await send('ok')).x);
      assert.equal(used.size, 1);
    });
  });

  describe(`stopping (${via})`, () => {
    test('destroying the dispatcher ends the sign-ins in flight or waiting, each reported once, and none throws', async () => {
      const server = await startReplyServer(() => {});
      const dispatcher = connect({ origin: server.origin, connections: 2, ...timeouts });
      const ropc = new RopcRequest({ tokenUrl: tokenUrl(server.origin, 't'), clientId: 'c', scope: 's' });
      const outcomes: string[] = [];
      const exchanges = new RopcExchanges(
        dispatcher,
        ropc,
        (x) => outcomes.push(x.classified.outcome),
        60_000,
      );
      try {
        for (let i = 0; i < 5; i++)
          exchanges.send(exchanges.acquire(), Buffer.from(ropc.body('u', 'p')), 'id');
        for (let i = 0; i < 200 && server.seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
        await dispatcher.destroy();
        await new Promise((r) => setImmediate(r));
        assert.deepEqual(outcomes, Array(5).fill('network_error'));
        // A send on a destroyed dispatcher is reported too, not thrown.
        exchanges.send(exchanges.acquire(), Buffer.from(ropc.body('u', 'p')), 'id');
        assert.equal(outcomes.length, 6);
      } finally {
        await server.close();
      }
    });
  });
}
