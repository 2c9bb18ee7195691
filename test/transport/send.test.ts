import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AADSTS } from '../../src/protocol/aadsts.js';
import { AGENT_HEADER } from '../../src/protocol/token.js';
import { createDispatcher, type Dispatcher } from '../../src/transport/dispatcher.js';
import { RopcRequest, tokenUrl } from '../../src/transport/ropc-request.js';
import { sendSignIn } from '../../src/transport/send.js';
import { entraError, json, type ReplyServer, startReplyServer, TOKEN_REPLY } from './reply-server.js';

const timeouts = { connectTimeoutMs: 5_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };

/** The server answers according to the username, so each test asks for the reply it wants. */
function answer(username: string, res: import('node:http').ServerResponse): void {
  const [kind, arg] = username.split(':');
  switch (kind) {
    case 'ok':
      json(res, 200, TOKEN_REPLY, { [AGENT_HEADER]: 'agent-3' });
      return;
    case 'code': {
      const e = Object.values(AADSTS).find((x) => x.code === Number(arg))!;
      json(res, e.status, entraError(e.code, e.error, e.message), { [AGENT_HEADER]: 'agent-1' });
      return;
    }
    case 'throttle':
      json(res, 429, entraError(50196, 'temporarily_unavailable', 'slow down'), {
        'retry-after': arg ?? '3',
      });
      return;
    case 'html502':
      res
        .writeHead(502, { 'content-type': 'text/html' })
        .end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    case 'truncated':
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant","error_des');
      return;
    case 'empty400':
      res.writeHead(400, { 'content-length': '0' }).end();
      return;
    case 'cut200':
      // Promise 10 kB, send a few bytes, then drop the connection.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10000' });
      res.write('{"token_type":"Bearer"');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    case 'hang':
      return; // never answers
    default:
      res.writeHead(500).end('unexpected');
  }
}

describe('sendSignIn over real HTTP', () => {
  let server: ReplyServer;
  let dispatcher: Dispatcher;
  let ropc: RopcRequest;
  const send = (username: string, timeoutMs = 5_000) =>
    sendSignIn(dispatcher, ropc, ropc.body(username, 'pw'), { timeoutMs });

  before(async () => {
    server = await startReplyServer((req, res) =>
      answer(new URLSearchParams(req.body).get('username') ?? '', res),
    );
    dispatcher = createDispatcher({ origin: server.origin, connections: 8, ...timeouts });
    ropc = new RopcRequest({
      tokenUrl: tokenUrl(server.origin, 'contoso.test'),
      clientId: 'c',
      scope: 'openid',
    });
  });
  after(async () => {
    await dispatcher.destroy();
    await server.close();
  });

  test('a token reply is a success, with the agent that served it and a last-byte time', async () => {
    let ticks = 0;
    const reply = await sendSignIn(dispatcher, ropc, ropc.body('ok', 'pw'), {
      timeoutMs: 5_000,
      clock: () => ++ticks,
    });
    assert.deepEqual(reply, {
      status: 200,
      agent: 'agent-3',
      classified: { outcome: 'success' },
      lastByteAt: 1,
    });
  });

  const classes: Array<[number, string]> = [
    [50126, 'invalid_credentials'],
    [50034, 'user_not_found'],
    [50053, 'locked'],
    [50057, 'disabled'],
    [50055, 'password_expired'],
    [50076, 'mfa_required'],
    [53003, 'ca_blocked'],
    [80001, 'pta_unavailable'],
    [80002, 'pta_timeout'],
    [80007, 'pta_error'],
    [7000218, 'config_error'],
  ];
  for (const [code, outcome] of classes) {
    test(`AADSTS${code} from the wire → ${outcome}`, async () => {
      const reply = await send(`code:${code}`);
      assert.equal(reply.classified.outcome, outcome);
      assert.equal(reply.classified.code, code);
      assert.equal(reply.agent, 'agent-1');
    });
  }

  test('429 is throttled with its Retry-After', async () => {
    const reply = await send('throttle:11');
    assert.equal(reply.status, 429);
    assert.equal(reply.classified.outcome, 'throttled');
    assert.equal(reply.classified.retryAfterS, 11);
  });

  test('odd replies land in a defined class with the detail kept', async () => {
    const html = await send('html502');
    assert.equal(html.classified.outcome, 'http_5xx');
    assert.match(html.classified.detail!, /502 Bad Gateway/);
    const truncated = await send('truncated');
    assert.equal(truncated.classified.outcome, 'other');
    assert.match(truncated.classified.detail!, /error_des/);
    const empty = await send('empty400');
    assert.deepEqual(empty.classified, { outcome: 'other', detail: 'HTTP 400, empty body' });
  });

  test('a 200 cut off mid-body is not a success', async () => {
    const reply = await send('cut200');
    assert.equal(reply.status, 200);
    assert.equal(reply.classified.outcome, 'network_error');
  });

  test('no reply within the timeout is a client timeout', async () => {
    const reply = await send('hang', 150);
    assert.equal(reply.status, 0);
    assert.equal(reply.classified.outcome, 'client_timeout');
    assert.match(reply.classified.detail!, /UND_ERR_HEADERS_TIMEOUT/);
  });

  test('an aborted signal is a client timeout', async () => {
    const reply = await sendSignIn(dispatcher, ropc, ropc.body('hang', 'pw'), {
      timeoutMs: 5_000,
      signal: AbortSignal.timeout(100),
    });
    assert.equal(reply.classified.outcome, 'client_timeout');
  });
});

describe('stopping', () => {
  test('destroying the dispatcher ends the sign-ins in flight, and none throws', async () => {
    const server = await startReplyServer(() => {}); // never answers
    const dispatcher = createDispatcher({ origin: server.origin, connections: 2, ...timeouts });
    const ropc = new RopcRequest({ tokenUrl: tokenUrl(server.origin, 't'), clientId: 'c', scope: 's' });
    try {
      const pending = Array.from({ length: 5 }, () =>
        sendSignIn(dispatcher, ropc, ropc.body('u', 'p'), { timeoutMs: 60_000 }),
      );
      for (let i = 0; i < 200 && server.seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await dispatcher.destroy();
      const replies = await Promise.all(pending);
      assert.deepEqual(
        replies.map((r) => r.classified.outcome),
        ['network_error', 'network_error', 'network_error', 'network_error', 'network_error'],
      );
    } finally {
      await server.close();
    }
  });
});

describe('network failures', () => {
  test('a refused connection is a network error, and sendSignIn does not throw', async () => {
    // A port that was just free: nothing listens there now.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const origin = `http://127.0.0.1:${port}`;
    const dispatcher = createDispatcher({ origin, connections: 1, ...timeouts });
    try {
      const ropc = new RopcRequest({ tokenUrl: tokenUrl(origin, 't'), clientId: 'c', scope: 's' });
      const reply = await sendSignIn(dispatcher, ropc, ropc.body('u', 'p'), { timeoutMs: 2_000 });
      assert.equal(reply.status, 0);
      assert.equal(reply.classified.outcome, 'network_error');
      assert.match(reply.classified.detail!, /ECONNREFUSED/);
    } finally {
      await dispatcher.destroy();
    }
  });

  test('a connection reset before the reply is a network error', async () => {
    const server = await startReplyServer((_req, res) => res.socket?.destroy());
    const dispatcher = createDispatcher({ origin: server.origin, connections: 1, ...timeouts });
    try {
      const ropc = new RopcRequest({ tokenUrl: tokenUrl(server.origin, 't'), clientId: 'c', scope: 's' });
      const reply = await sendSignIn(dispatcher, ropc, ropc.body('u', 'p'), { timeoutMs: 2_000 });
      assert.equal(reply.classified.outcome, 'network_error');
    } finally {
      await dispatcher.destroy();
      await server.close();
    }
  });
});

describe('connections', () => {
  test('grow with demand up to the cap, and are reused', async () => {
    const held: Array<() => void> = [];
    let release = false;
    const server = await startReplyServer((_req, res) => {
      const reply = () => json(res, 200, TOKEN_REPLY);
      if (release) reply();
      else held.push(reply);
    });
    const dispatcher = createDispatcher({ origin: server.origin, connections: 4, ...timeouts });
    const ropc = new RopcRequest({ tokenUrl: tokenUrl(server.origin, 't'), clientId: 'c', scope: 's' });
    const body = ropc.body('u', 'p');
    try {
      // One at a time: one connection, kept alive.
      release = true;
      for (let i = 0; i < 3; i++) {
        await sendSignIn(dispatcher, ropc, body, { timeoutMs: 5_000 });
        // undici marks a connection free a turn of the loop after its reply ends.
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(server.connections(), 1);
      // Twenty at once: the pool opens connections up to its cap of 4 and queues the rest.
      release = false;
      const replies = Array.from({ length: 20 }, () =>
        sendSignIn(dispatcher, ropc, body, { timeoutMs: 5_000 }),
      );
      for (let i = 0; i < 200 && held.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(held.length, 4, 'four requests reach the server while the pool is at its cap');
      release = true;
      for (const reply of held.splice(0)) reply();
      const outcomes = (await Promise.all(replies)).map((r) => r.classified.outcome);
      assert.deepEqual(new Set(outcomes), new Set(['success']));
      assert.equal(server.connections(), 4);
    } finally {
      await dispatcher.destroy();
      await server.close();
    }
  });
});
