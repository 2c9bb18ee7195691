import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PtaloadError } from '../../src/errors.js';
import type { Classified } from '../../src/outcome.js';
import { makeSelfSignedCert } from '../../src/sim/self-signed-cert.js';
import { createDispatcher, type DispatcherOptions } from '../../src/transport/dispatcher.js';
import { proxyFromEnv } from '../../src/transport/proxy-env.js';
import { RopcRequest, tokenUrl } from '../../src/transport/ropc-request.js';
import { sendSignIn } from '../../src/transport/send.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { json, type ReplyServer, startReplyServer, TOKEN_REPLY } from './reply-server.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./fixtures/sign-in-once.ts', import.meta.url));
const timeouts = { connectTimeoutMs: 5_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 };

/** `count` sign-ins one after another through a fresh dispatcher; their outcomes. */
async function signIns(options: DispatcherOptions, count = 1): Promise<Classified[]> {
  const dispatcher = createDispatcher(options);
  const ropc = new RopcRequest({
    tokenUrl: tokenUrl(options.origin, 'contoso.test'),
    clientId: 'c',
    scope: 's',
  });
  const out: Classified[] = [];
  try {
    for (let i = 0; i < count; i++) {
      out.push((await sendSignIn(dispatcher, ropc, ropc.body('u', 'p'), { timeoutMs: 5_000 })).classified);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await dispatcher.destroy();
  }
  return out;
}

async function child(env: Record<string, string>): Promise<Classified> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: '', NODE_TLS_REJECT_UNAUTHORIZED: '', ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Classified;
}

describe('TLS trust', () => {
  const serverCert = makeSelfSignedCert({ hosts: ['127.0.0.1'], commonName: 'ptaload test server' });
  const otherCa = makeSelfSignedCert({ hosts: ['unrelated.test'], commonName: 'unrelated CA' });
  const dir = mkdtempSync(join(tmpdir(), 'ptaload-tls-'));
  const caFile = join(dir, 'server-ca.pem');
  const otherCaFile = join(dir, 'other-ca.pem');
  writeFileSync(caFile, serverCert.certPem);
  writeFileSync(otherCaFile, otherCa.certPem);
  let server: ReplyServer;

  before(async () => {
    server = await startReplyServer((_req, res) => json(res, 200, TOKEN_REPLY), {
      key: serverCert.keyPem,
      cert: serverCert.certPem,
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an extra CA makes the server trusted', async () => {
    const [c] = await signIns({ origin: server.origin, connections: 1, ca: serverCert.certPem, ...timeouts });
    assert.deepEqual(c, { outcome: 'success' });
  });

  test('a CA file with Windows line endings and other certificates around it works too', async () => {
    const bundle = `${otherCa.certPem}\n${serverCert.certPem}`.replace(/\n/g, '\r\n');
    const [c] = await signIns({
      origin: server.origin,
      connections: 1,
      ca: Buffer.from(bundle),
      ...timeouts,
    });
    assert.deepEqual(c, { outcome: 'success' });
  });

  test('without its CA the server is refused, and the detail says how to trust it', async () => {
    const [c] = await signIns({ origin: server.origin, connections: 1, ...timeouts });
    assert.equal(c!.outcome, 'network_error');
    assert.match(c!.detail!, /SELF_SIGNED|UNABLE_TO_VERIFY/);
    assert.match(c!.detail!, /--ca .*NODE_EXTRA_CA_CERTS/);
  });

  test('a CA that does not sign the server does not help', async () => {
    const [c] = await signIns({ origin: server.origin, connections: 1, ca: otherCa.certPem, ...timeouts });
    assert.equal(c!.outcome, 'network_error');
  });

  test('a CA file with no certificate in it is a clear error', () => {
    assert.throws(
      () => createDispatcher({ origin: server.origin, connections: 1, ca: 'not a pem', ...timeouts }),
      (e: unknown) => e instanceof PtaloadError && /PEM/.test(e.message),
    );
  });

  test('NODE_EXTRA_CA_CERTS is honoured without --ca', async () => {
    assert.deepEqual(await child({ ORIGIN: server.origin, NODE_EXTRA_CA_CERTS: caFile }), {
      outcome: 'success',
    });
  });

  test('NODE_EXTRA_CA_CERTS still counts when --ca names another CA', async () => {
    const c = await child({ ORIGIN: server.origin, NODE_EXTRA_CA_CERTS: caFile, EXTRA_CA_FILE: otherCaFile });
    assert.deepEqual(c, { outcome: 'success' });
  });

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off', async () => {
    const c = await child({ ORIGIN: server.origin, NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    assert.equal(c.outcome, 'network_error');
  });
});

describe('proxy', () => {
  const cert = makeSelfSignedCert({ hosts: ['127.0.0.1'] });
  let server: ReplyServer;
  let plain: ReplyServer;
  let proxy: ConnectProxy;

  before(async () => {
    server = await startReplyServer((_req, res) => json(res, 200, TOKEN_REPLY), {
      key: cert.keyPem,
      cert: cert.certPem,
    });
    plain = await startReplyServer((_req, res) => json(res, 200, TOKEN_REPLY));
    proxy = await startConnectProxy();
  });
  after(async () => {
    await server.close();
    await plain.close();
    await proxy.close();
  });

  test('HTTPS_PROXY sends the sign-ins through one CONNECT tunnel, TLS verified end to end', async () => {
    const before = proxy.tunnels();
    const setting = proxyFromEnv({ HTTPS_PROXY: proxy.url }, server.origin);
    assert.ok(setting);
    const outcomes = await signIns(
      { origin: server.origin, connections: 2, ca: cert.certPem, proxy: setting, ...timeouts },
      3,
    );
    assert.deepEqual(outcomes, [{ outcome: 'success' }, { outcome: 'success' }, { outcome: 'success' }]);
    assert.equal(proxy.tunnels() - before, 1, 'kept-alive tunnel reused');
    assert.equal(proxy.targets.at(-1), new URL(server.origin).host);
    assert.equal(server.connections() >= 1, true);
  });

  test('through the proxy, an untrusted server is still refused', async () => {
    const setting = proxyFromEnv({ HTTPS_PROXY: proxy.url }, server.origin)!;
    const [c] = await signIns({ origin: server.origin, connections: 1, proxy: setting, ...timeouts });
    assert.equal(c!.outcome, 'network_error');
  });

  test('NO_PROXY exempts the target: no tunnel is opened', async () => {
    const before = proxy.tunnels();
    const asked = proxy.targets.length;
    assert.equal(proxyFromEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, server.origin), undefined);
    // The same decision when a setting with its noProxy list reaches createDispatcher.
    const outcomes = await signIns({
      origin: server.origin,
      connections: 1,
      ca: cert.certPem,
      proxy: { uri: proxy.url, noProxy: 'localhost,127.0.0.1' },
      ...timeouts,
    });
    assert.deepEqual(outcomes, [{ outcome: 'success' }]);
    assert.equal(proxy.tunnels(), before);
    assert.equal(proxy.targets.length, asked);
  });

  test('HTTP_PROXY tunnels a plain-http target too', async () => {
    const before = proxy.tunnels();
    const setting = proxyFromEnv({ HTTP_PROXY: proxy.url }, plain.origin);
    const outcomes = await signIns({ origin: plain.origin, connections: 1, proxy: setting, ...timeouts });
    assert.deepEqual(outcomes, [{ outcome: 'success' }]);
    assert.equal(proxy.tunnels() - before, 1);
  });

  test('a proxy that refuses the tunnel is a network error naming the proxy', async () => {
    const refusing = await startConnectProxy({ refuse: true });
    try {
      const [c] = await signIns({
        origin: server.origin,
        connections: 1,
        ca: cert.certPem,
        proxy: { uri: refusing.url },
        ...timeouts,
      });
      assert.equal(c!.outcome, 'network_error');
      assert.match(c!.detail!, /proxy/i);
      assert.equal(refusing.tunnels(), 0);
      assert.equal(refusing.targets.length, 1);
    } finally {
      await refusing.close();
    }
  });
});
