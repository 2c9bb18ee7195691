import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import { makeSelfSignedCert } from '../../src/sim/self-signed-cert.js';
import { startSim } from '../../src/sim/server.js';
import { tempDir } from '../helpers/tmp.js';
import { assertEntraError, ropc, sim } from './sim-client.js';

test('the self-signed certificate is a CA for 127.0.0.1 and localhost, signed by its own key', () => {
  const { certPem, keyPem } = makeSelfSignedCert({ hosts: ['127.0.0.1', 'localhost', '::1'] });
  const cert = new X509Certificate(certPem);
  assert.equal(cert.ca, true);
  assert.ok(cert.verify(cert.publicKey), 'self-signed');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkHost('localhost'), 'localhost');
  assert.equal(cert.checkHost('example.com'), undefined);
  assert.ok(new Date(cert.validTo).getTime() > Date.now() + 300 * 86_400_000, 'valid for about a year');
  assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----/);
});

test('TLS mode: a client trusting the CA file gets tokens; one that does not is refused', async () => {
  const dir = await tempDir();
  const caFile = join(dir, 'ca.pem');
  const s = await sim({ tls: true, caFile });
  assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(s.caFile, caFile);
  const ca = await readFile(caFile, 'utf8');
  assert.doesNotMatch(ca, /PRIVATE KEY/, 'only the certificate is written');

  const trusting = new Agent({ connect: { ca } });
  after(() => trusting.close());
  const ok = await ropc(s, {}, { dispatcher: trusting });
  assert.equal(ok.status, 200);
  assertEntraError(
    await ropc(s, { password: 'wrong' }, { dispatcher: trusting }),
    50126,
    400,
    'invalid_grant',
  );

  const doc = await request(`${s.url}/${s.tenant}/v2.0/.well-known/openid-configuration`, {
    dispatcher: trusting,
  });
  const { token_endpoint } = (await doc.body.json()) as { token_endpoint: string };
  assert.match(token_endpoint, /^https:\/\/127\.0\.0\.1:/);

  const wary = new Agent({ connect: { ca: [] } });
  after(() => wary.close());
  await assert.rejects(ropc(s, {}, { dispatcher: wary }), (err: Error & { code?: string }) => {
    return /certificate|self[- ]signed/i.test(`${err.code} ${err.message}`);
  });
});

test('a CA file the sim chose itself is removed when it closes', async () => {
  const s = await startSim({ tls: true });
  assert.ok(s.caFile && existsSync(s.caFile));
  await s.close();
  assert.equal(existsSync(s.caFile!), false);
});
