import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { format, inspect } from 'node:util';
import { PtaloadError } from '../../src/errors.js';
import { Rng } from '../../src/seeded-random.js';
import { createDispatcher, type Dispatcher } from '../../src/transport/dispatcher.js';
import { formEncode } from '../../src/transport/form-encoding.js';
import { RopcRequest, tokenUrl } from '../../src/transport/ropc-request.js';
import { sendSignIn } from '../../src/transport/send.js';
import { json, type ReplyServer, startReplyServer, TOKEN_REPLY } from './reply-server.js';

const urlencoded = (name: string, value: string) =>
  new URLSearchParams([[name, value]]).toString().slice(name.length + 1);

describe('form encoding', () => {
  test('matches URLSearchParams on awkward strings', () => {
    const samples = [
      '',
      'plain',
      'a b',
      '&=+%',
      "!'()*~-._",
      'P@ss w0rd&x=1+2%3',
      'äöü€ 😀 日本',
      '\u0000\u0001\u007f',
      'line\r\nbreak\ttab',
      '"quoted"<>\\/?#[]{}|^`',
      'user@contoso.test',
    ];
    for (const s of samples) assert.equal(formEncode(s), urlencoded('v', s), JSON.stringify(s));
  });

  test('matches URLSearchParams on random strings across Unicode', () => {
    const rng = new Rng(99);
    for (let n = 0; n < 2_000; n++) {
      let s = '';
      const len = rng.nextUint32() % 12;
      for (let i = 0; i < len; i++) {
        const pick = rng.nextUint32() % 4;
        const cp =
          pick === 0
            ? 32 + (rng.nextUint32() % 95)
            : pick === 1
              ? rng.nextUint32() % 0x800
              : rng.nextUint32() % 0x10ffff;
        s += String.fromCodePoint(cp);
      }
      assert.equal(formEncode(s), urlencoded('v', s), JSON.stringify(s));
    }
  });

  test('a lone surrogate becomes U+FFFD, as URLSearchParams writes it', () => {
    for (const s of ['\uD800', 'a\uDC00b', '\uD83D']) assert.equal(formEncode(s), urlencoded('v', s));
  });
});

describe('tokenUrl', () => {
  test('builds the v2.0 token endpoint under the authority', () => {
    assert.equal(
      tokenUrl('https://login.microsoftonline.com', 'contoso.onmicrosoft.com'),
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
    );
    assert.equal(
      tokenUrl(new URL('https://login.microsoftonline.us/'), '8eaef023-2b34-4da1-9baa-8bc8c9d6a490'),
      'https://login.microsoftonline.us/8eaef023-2b34-4da1-9baa-8bc8c9d6a490/oauth2/v2.0/token',
    );
    assert.equal(
      tokenUrl('http://127.0.0.1:8080/base//', 't'),
      'http://127.0.0.1:8080/base/t/oauth2/v2.0/token',
    );
  });

  test('refuses what is not an http(s) URL, with a user-facing error', () => {
    assert.throws(() => tokenUrl('login.microsoftonline.com', 't'), PtaloadError);
    assert.throws(() => tokenUrl('ftp://example.test', 't'), /must be an https/);
  });
});

describe('RopcRequest', () => {
  const secret = 'S3cr3t~value+with/odd=chars';
  const confidential = new RopcRequest({
    tokenUrl: 'https://login.microsoftonline.com/contoso.test/oauth2/v2.0/token',
    clientId: '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa',
    scope: 'openid profile',
    clientSecret: secret,
  });

  test('the body carries exactly the ROPC fields', () => {
    const fields = new URLSearchParams(confidential.body('alice@contoso.test', 'p&ss=w+rd %41'));
    assert.deepEqual(Object.fromEntries(fields), {
      client_id: '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa',
      scope: 'openid profile',
      grant_type: 'password',
      client_secret: secret,
      username: 'alice@contoso.test',
      password: 'p&ss=w+rd %41',
    });
    assert.equal(
      confidential.bodyEncoded(formEncode('a b'), formEncode('c&d')),
      confidential.body('a b', 'c&d'),
    );
  });

  test('a public client sends no client_secret', () => {
    const pub = new RopcRequest({
      tokenUrl: 'http://127.0.0.1:1/t/oauth2/v2.0/token',
      clientId: 'c',
      scope: 's',
    });
    assert.equal(new URLSearchParams(pub.body('u', 'p')).has('client_secret'), false);
    assert.equal(pub.confidential, false);
  });

  test('the secret never shows when the request is printed, logged or serialised', () => {
    const printed = [
      String(confidential),
      `${confidential}`,
      JSON.stringify(confidential),
      JSON.stringify({ nested: { confidential } }),
      inspect(confidential, { showHidden: true, depth: 10 }),
      inspect({ confidential }, { showHidden: true, depth: 10 }),
      format('%o %O %s %j', confidential, confidential, confidential, confidential),
    ];
    for (const text of printed) {
      assert.ok(!text.includes('S3cr3t'), text);
      assert.ok(!text.includes(formEncode(secret)), text);
    }
    assert.match(String(confidential), /client_secret=\[redacted\]/);
  });

  test('each sign-in gets its own client-request-id', () => {
    const a = confidential.headers();
    const b = confidential.headers();
    const id = (h: string[]) => h[h.indexOf('client-request-id') + 1]!;
    assert.match(id(a), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(id(a), id(b));
  });
});

describe('the request on the wire', () => {
  let server: ReplyServer;
  let dispatcher: Dispatcher;
  before(async () => {
    server = await startReplyServer((_req, res) => json(res, 200, TOKEN_REPLY));
    dispatcher = createDispatcher({
      origin: server.origin,
      connections: 2,
      connectTimeoutMs: 5_000,
      headersTimeoutMs: 5_000,
      bodyTimeoutMs: 5_000,
    });
  });
  after(async () => {
    await dispatcher.close();
    await server.close();
  });

  test('POSTs the form with Entra’s headers, odd password characters intact', async () => {
    const ropc = new RopcRequest({
      tokenUrl: tokenUrl(server.origin, 'contoso.test'),
      clientId: 'client-1',
      scope: 'openid profile offline_access',
    });
    const password = `&=+% ü😀'"\\`;
    const reply = await sendSignIn(dispatcher, ropc, ropc.body('bob+test@contoso.test', password), {
      timeoutMs: 5_000,
    });
    assert.equal(reply.classified.outcome, 'success');
    const seen = server.seen.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/contoso.test/oauth2/v2.0/token');
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(seen.headers.accept, 'application/json');
    assert.equal(seen.headers['return-client-request-id'], 'true');
    assert.match(String(seen.headers['client-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(Number(seen.headers['content-length']), Buffer.byteLength(seen.body));
    const fields = new URLSearchParams(seen.body);
    assert.equal(fields.get('username'), 'bob+test@contoso.test');
    assert.equal(fields.get('password'), password);
    assert.equal(fields.get('grant_type'), 'password');
    assert.equal(fields.get('scope'), 'openid profile offline_access');
    assert.equal(fields.get('client_id'), 'client-1');
    assert.equal(fields.has('client_secret'), false);
  });
});
