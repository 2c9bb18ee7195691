import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, test } from 'node:test';
import { createDispatcher } from '../../src/transport/dispatcher.js';
import { REPLY_BODY_LIMIT } from '../../src/transport/reply-body.js';
import { RopcRequest, tokenUrl } from '../../src/transport/ropc-request.js';
import { sendSignIn } from '../../src/transport/send.js';

/** A server on 127.0.0.1:0 that answers each request as `route` says (by the username in the form). */
async function hostile(route: (user: string, res: ServerResponse, socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => route(new URLSearchParams(body).get('username') ?? '', res, req.socket));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  after(
    () =>
      new Promise<void>((r) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { origin, timers };
}

/** Writes `text` one byte every `everyMs`: a reply that never quite stops and never quite finishes. */
function drip(res: ServerResponse, text: string, everyMs: number, timers: Set<NodeJS.Timeout>): void {
  let i = 0;
  const t = setInterval(() => {
    if (i >= text.length || res.destroyed) {
      clearInterval(t);
      res.end();
      return;
    }
    res.write(text[i++]);
  }, everyMs);
  timers.add(t);
}

const TOKEN = '{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAi.x.y"}';

function client(origin: string) {
  const dispatcher = createDispatcher({
    origin,
    connections: 4,
    connectTimeoutMs: 2000,
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
  });
  after(() => dispatcher.destroy());
  const request = new RopcRequest({
    tokenUrl: new URL(tokenUrl(origin, 'contoso')),
    clientId: 'c',
    scope: 's',
  });
  return (user: string, timeoutMs = 1500) =>
    sendSignIn(dispatcher, request, request.body(user, 'pw'), { timeoutMs });
}

test('a body dripped at a byte a second ends as client_timeout at the deadline, not when the server stops', async () => {
  const srv = await hostile((user, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // 10 minutes of body: without a deadline over the whole reply the sign-in waits all that time.
    drip(res, `${TOKEN}${' '.repeat(600)}`, user === 'fast-drip' ? 200 : 1000, srv.timers);
  });
  const send = client(srv.origin);
  const started = performance.now();
  const [slow, fast] = await Promise.all([send('drip'), send('fast-drip')]);
  const tookMs = performance.now() - started;
  assert.equal(slow.classified.outcome, 'client_timeout', JSON.stringify(slow.classified));
  assert.equal(fast.classified.outcome, 'client_timeout', JSON.stringify(fast.classified));
  assert.match(slow.classified.detail ?? '', /whole reply did not arrive within 1500 ms/);
  // Far below the ten minutes the server would take; the slack is for a loaded machine.
  assert.ok(tookMs < 1500 + 8000, `took ${Math.round(tookMs)} ms`);
});

test('headers dripped a byte at a time end as client_timeout too (undici bounds the wait for them)', async () => {
  const srv = await hostile((_user, _res, socket) => {
    const head = `HTTP/1.1 200 OK\r\n${'x-pad: 1\r\n'.repeat(60)}\r\n`;
    let i = 0;
    const t = setInterval(() => {
      if (i < head.length && !socket.destroyed) socket.write(head[i++]!);
    }, 200);
    srv.timers.add(t);
  });
  const reply = await client(srv.origin)('any');
  assert.equal(reply.classified.outcome, 'client_timeout', JSON.stringify(reply.classified));
});

test('a 200 is a success only with an access token', async () => {
  const bodies: Record<string, [string, string]> = {
    token: ['application/json', TOKEN],
    empty: ['application/json', ''],
    object: ['application/json', '{}'],
    nulled: ['application/json', '{"access_token":null,"token_type":"Bearer"}'],
    blank: ['application/json', '{"access_token":"","token_type":"Bearer"}'],
    prose: ['application/json', 'see "access_token" in the docs'],
    html: ['text/html', '<html>"access_token": "x"</html>'],
  };
  const srv = await hostile((user, res) => {
    const [type, body] = bodies[user]!;
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  const send = client(srv.origin);
  for (const user of Object.keys(bodies)) {
    const reply = await send(user);
    const want = user === 'token' ? 'success' : 'other';
    assert.equal(reply.classified.outcome, want, `${user}: ${JSON.stringify(reply.classified)}`);
  }
});

test('bodies past the cap are not read: the class comes from their start, the connection is dropped', async () => {
  const MB = 1 << 20;
  let written = 0;
  const srv = await hostile((user, res) => {
    const start =
      user === 'coded'
        ? '{"error":"invalid_grant","error_codes":[50126],"error_description":"AADSTS50126: bad"'
        : user === 'token'
          ? TOKEN
          : '<html>';
    res.writeHead(user === 'token' ? 200 : 400, { 'content-type': 'application/json' });
    res.write(start);
    // 100 MB, written as the client takes it, so the server itself stays small.
    const chunk = Buffer.alloc(MB, 0x20);
    let left = 100;
    const more = () => {
      while (left > 0) {
        left--;
        written += MB;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('error', () => undefined);
    more();
  });
  const send = client(srv.origin);
  const coded = await send('coded');
  assert.equal(coded.classified.outcome, 'invalid_credentials', JSON.stringify(coded.classified));
  const page = await send('page');
  assert.equal(page.classified.outcome, 'other');
  assert.match(page.classified.detail ?? '', /over 64 KiB, not read further/);
  const huge = await send('token');
  assert.equal(huge.classified.outcome, 'other', 'a 100 MB "token" reply is not a success');
  assert.ok(written < 3 * 20 * MB, `the server got to write only ${written / MB} MB of 300 before the drop`);
  assert.equal(REPLY_BODY_LIMIT, 64 * 1024);
});
