import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { OTHER_CLIENT, startEntraFixture } from './entra-fixture.js';

const fx = await startEntraFixture(400);

test('lockouts this run cannot explain stop it with exit 3, pointing at the sign-in logs', async () => {
  // Smart lockout has already locked a third of the test users (wrong passwords, past the threshold) before
  // the run: from the harness's side they look like an IP block (right password, no wrong one from us).
  const locked = fx.users.filter((_, i) => i % 3 === 0);
  for (const u of locked) {
    for (let i = 0; i < 12; i++) fx.sim.lockout.recordFailure(u.username.toLowerCase(), `wrong-${i}`);
  }
  try {
    const profile = await fx.profile('lockouts', { rate: '20/s', duration: '4s' });
    const out = join(fx.dir, 'results-locked');
    const res = await runCli(['run', profile, '--out', out, '--quiet'], {
      env: { HTTPS_PROXY: '', https_proxy: '' },
    });
    assert.equal(res.code, 3, `exit 3 expected; stdout: ${res.stdout} stderr: ${res.stderr}`);
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(run.status, 'failed');
    assert.match(
      run.failure.message,
      /AADSTS50053 \(account locked\) came for \d+ distinct user\(s\) so far, \d+ of them with the right password/,
    );
    assert.match(
      run.failure.message,
      /failure reason of these sign-ins in the Entra sign-in logs.*is smart lockout/,
    );
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.ok(summary.requests.byOutcome.locked >= 3);
    assert.ok(
      summary.requests.sent < 80,
      `stopped before the schedule's 80 sign-ins (sent ${summary.requests.sent})`,
    );
  } finally {
    for (const u of locked) fx.sim.lockout.recordSuccess(u.username.toLowerCase());
  }
});

test('a configuration error (unknown client id, AADSTS700016) stops the run at once with the fix', async () => {
  const profile = await fx.profile('wrong-client', { clientId: OTHER_CLIENT, duration: '4s' });
  const out = join(fx.dir, 'results-config');
  const res = await runCli(['run', profile, '--out', out, '--quiet'], {
    env: { HTTPS_PROXY: '', https_proxy: '' },
  });
  assert.equal(res.code, 3, `exit 3 expected; stderr: ${res.stderr}`);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'failed');
  assert.match(run.failure.message, /AADSTS700016: the client id is not an application in this tenant/);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.requests.byOutcome.success, 0);
  assert.ok(summary.requests.sent < 40, `stopped early (sent ${summary.requests.sent} of 40)`);
});

test('a 429 pauses every worker for its Retry-After, is counted apart, and replies without an agent are keyed tenant', async () => {
  // A stand-in that throttles the first sign-in and then answers like Entra: no agent header at all.
  let posts = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      if (posts === 1) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end('{"error":"temporarily_unavailable","error_description":"throttled"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"token_type":"Bearer","expires_in":3600,"access_token":"x.y.z"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const profile = await fx.profile('throttled', { duration: '3s', users: 'users.csv' });
    const out = join(fx.dir, 'results-429');
    const res = await runCli(['run', profile, '--out', out, '--quiet', '--authority-host', authority], {
      env: { HTTP_PROXY: '', http_proxy: '' },
    });
    assert.equal(res.code, 0, `exit 0 expected; stderr: ${res.stderr}`);
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(run.profile.resolved.target.authorityHost, authority);
    const note = run.notes.find((n: string) => n.startsWith('throttled:'));
    assert.match(note ?? '', /paused 1 time\(s\) for 1\.0 s in total/);
    const skipped = Number(/and (\d+) scheduled sign-in\(s\) were skipped while paused/.exec(note)?.[1]);
    assert.ok(skipped >= 1, note);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.requests.byOutcome.throttled, 1);
    assert.equal(summary.requests.byOutcome.success, posts - 1);
    assert.equal(summary.requests.sent + skipped, 30, 'every scheduled arrival was either sent or skipped');
    assert.deepEqual(Object.keys(summary.latencyMs.agents ?? {}), []);
    assert.equal(summary.latencyMs.tenant.count, posts);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
