import assert from 'node:assert/strict';
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
  assert.match(res.stdout, /OK\s+realm\s+contoso\.test is a managed domain/);
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
    ['discovery:ok', 'realm:ok', 'sign-in:ok', 'public client:ok', 'load plan:ok'],
  );

  const busy = await fx.profile('too-busy', { rate: '20/s', target: '  maxRate: 20/s' });
  const tight = await runCli(['preflight', busy], { env });
  assert.equal(tight.code, 3);
  assert.match(tight.stdout, /FAIL\s+load plan\s+users\.csv has 150 user\(s\).*needs at least 300 users/);
});
