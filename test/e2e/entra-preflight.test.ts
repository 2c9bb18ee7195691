import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { CLIENT, OTHER_CLIENT, startEntraFixture, TENANT } from './entra-fixture.js';

const fx = await startEntraFixture(150);
const env = { HTTPS_PROXY: '', https_proxy: '' };

test('preflight against a ready tenant: every check passes with one sign-in, exit 0', async () => {
  const profile = await fx.profile('ready');
  const before = fx.sim.counters.requests;
  const res = await runCli(['preflight', profile], { env });
  assert.equal(res.code, 0, `exit 0 expected; stdout: ${res.stdout} stderr: ${res.stderr}`);
  assert.match(
    res.stdout,
    /OK\s+discovery\s+token endpoint https:\/\/127\.0\.0\.1:\d+\/8eaef023-.*\/oauth2\/v2\.0\/token/,
  );
  assert.match(
    res.stdout,
    /WARN\s+realm\s+contoso\.test is managed: PTA or password hash sync — not verified/,
  );
  assert.match(res.stdout, /OK\s+sign-in\s+loadtest0*1@contoso\.test signed in/);
  assert.match(res.stdout, /OK\s+public client\s+allowed/);
  assert.match(res.stdout, /OK\s+load plan/);
  assert.match(res.stdout, /verdict: READY \(3 request\(s\) made\)/);
  assert.equal(fx.sim.counters.requests - before, 1, 'exactly one sign-in');
});

test('preflight with a client id the tenant does not know: not ready, with the reason and the fix', async () => {
  const profile = await fx.profile('ready-2');
  const res = await runCli(['preflight', profile, '--client-id', OTHER_CLIENT], { env });
  assert.equal(res.code, 3);
  assert.match(
    res.stdout,
    /FAIL\s+sign-in\s+AADSTS700016: the client id is not an application in this tenant/,
  );
  assert.match(res.stdout, /SKIP\s+public client\s+unknown/);
  assert.match(res.stdout, /verdict: NOT READY: 1 check\(s\) failed/);
});

test('preflight from flags alone, as JSON; a users file too small for the profile is a failed check', async () => {
  const res = await runCli(
    [
      'preflight',
      '--tenant',
      TENANT,
      '--client-id',
      CLIENT,
      '--authority-host',
      fx.sim.url,
      '--ca',
      join(fx.dir, 'ca.pem'),
      '--users',
      join(fx.dir, 'users.csv'),
      '--json',
    ],
    { env },
  );
  assert.equal(res.code, 0, res.stderr);
  const report = JSON.parse(res.stdout);
  assert.equal(report.ready, true);
  assert.deepEqual(
    report.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`),
    ['discovery:ok', 'realm:warn', 'sign-in:ok', 'public client:ok', 'load plan:ok'],
  );

  const busy = await fx.profile('too-busy', { rate: '20/s', target: '  maxRate: 20/s' });
  const tight = await runCli(['preflight', busy], { env });
  assert.equal(tight.code, 3);
  assert.match(tight.stdout, /FAIL\s+load plan\s+users\.csv has 150 user\(s\).*needs at least 300 users/);
});

test('with a Graph token, preflight lists the PTA agents (delegated token to a Graph stand-in) and the realm is verified', async () => {
  const seen: { path?: string; auth?: string } = {};
  const graph = createServer((req, res) => {
    seen.path = req.url;
    seen.auth = req.headers.authorization;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        value: ['pta1', 'pta2', 'pta3'].map((m) => ({
          id: m,
          machineName: m,
          externalIp: '203.0.113.7',
          status: 'active',
        })),
      }),
    );
  });
  await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', resolve));
  try {
    const profile = await fx.profile('graph');
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.graph-token.x';
    const res = await runCli(['preflight', profile], {
      env: {
        ...env,
        PTALOAD_GRAPH_TOKEN: token,
        PTALOAD_GRAPH_URL: `http://127.0.0.1:${(graph.address() as AddressInfo).port}`,
      },
    });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.equal(seen.path, '/beta/onPremisesPublishingProfiles/authentication/agents');
    assert.equal(seen.auth, `Bearer ${token}`);
    assert.match(res.stdout, /OK\s+agents\s+3 of 3 PTA agent\(s\) active: pta1 \(active, 203\.0\.113\.7\)/);
    assert.match(
      res.stdout,
      /OK\s+realm\s+contoso\.test is a managed domain and the tenant has active PTA agents/,
    );
    assert.doesNotMatch(res.stdout + res.stderr, /graph-token/, 'the token is never printed');
  } finally {
    graph.close();
  }
});
