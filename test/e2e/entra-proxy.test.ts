import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli } from '../helpers/cli.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import { startEntraFixture, TENANT } from './entra-fixture.js';

const SPY = pathToFileURL(join(ROOT, 'test/helpers/net-spy.mjs')).href;

const fx = await startEntraFixture(150);

test('with HTTPS_PROXY set, a real-tenant run tunnels through the proxy (and trusts the CA behind it)', async () => {
  const proxy = await startConnectProxy();
  try {
    const profile = await fx.profile('via-proxy');
    const out = join(fx.dir, 'results-proxy');
    // Through a proxy the authority is not local any more: the tenant must be confirmed.
    const res = await runCli(['run', profile, '--out', out, '--quiet', '--confirm-tenant', TENANT], {
      env: { HTTPS_PROXY: proxy.url, https_proxy: '', NO_PROXY: '', no_proxy: '' },
    });
    assert.equal(res.code, 0, `exit 0 expected; stderr: ${res.stderr}`);
    assert.ok(proxy.tunnels() >= 1, 'at least one CONNECT tunnel');
    const port = new URL(fx.sim.url).port;
    assert.ok(
      proxy.targets.every((t) => t === `127.0.0.1:${port}`),
      `tunnels only to the authority: ${proxy.targets}`,
    );
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.requests.byOutcome.success, summary.requests.completed);
    assert.ok(summary.requests.completed > 0);
  } finally {
    await proxy.close();
  }
});

test('the simulated tenant never goes through a proxy, whatever the environment says', async () => {
  const proxy = await startConnectProxy();
  try {
    const profile = join(fx.dir, 'sim.yaml');
    await writeFile(
      profile,
      'name: sim-no-proxy\ntarget: { kind: sim, tls: true }\nusers: { generate: 50 }\nagents: { count: 1 }\nload: { workers: 1, phases: [{ duration: 1s, shape: constant, rate: 20/s }] }\n',
    );
    const res = await runCli(['run', profile, '--out', join(fx.dir, 'results-sim'), '--quiet'], {
      env: {
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: proxy.url,
        https_proxy: '',
        http_proxy: '',
        NO_PROXY: '',
        no_proxy: '',
      },
    });
    assert.equal(res.code, 0, `exit 0 expected; stderr: ${res.stderr}`);
    assert.equal(proxy.targets.length, 0, `no CONNECT asked: ${proxy.targets}`);
  } finally {
    await proxy.close();
  }
});

test('a proxy in front of a loopback authority needs --confirm-tenant: refused before any connection', async () => {
  const proxy = await startConnectProxy();
  try {
    const profile = await fx.profile('proxied-unconfirmed');
    const out = join(fx.dir, 'results-unconfirmed');
    const spy = join(fx.dir, 'proxied.netlog');
    const env = {
      NODE_OPTIONS: `--import=${SPY}`,
      PTALOAD_NET_SPY: spy,
      https_proxy: proxy.url,
      HTTPS_PROXY: '',
      NO_PROXY: '',
      no_proxy: '',
    };
    for (const args of [
      ['run', profile, '--out', out, '--quiet'],
      ['preflight', profile],
    ]) {
      const res = await runCli(args, { env });
      assert.equal(res.code, 3, `${args[0]}: exit 3 expected; stderr: ${res.stderr}`);
      assert.match(res.stderr, /refusing to send sign-ins to tenant/);
      assert.match(res.stderr, /is a loopback address, but HTTPS_PROXY/);
      assert.match(res.stderr, /--confirm-tenant/);
    }
    const attempts = existsSync(spy) ? (await readFile(spy, 'utf8')).split('\n').filter(Boolean) : [];
    assert.deepEqual(attempts, [], 'no socket opened at all, to the proxy or anywhere');
    assert.deepEqual(proxy.targets, []);
    assert.equal(existsSync(out), false, 'no results folder for a run that never started');
  } finally {
    await proxy.close();
  }
});

test('NO_PROXY covering the loopback authority: reached directly, so no confirmation is needed', async () => {
  const proxy = await startConnectProxy();
  try {
    const profile = await fx.profile('proxy-exempt', { duration: '1s' });
    const res = await runCli(['run', profile, '--out', join(fx.dir, 'results-exempt'), '--quiet'], {
      env: { HTTPS_PROXY: proxy.url, https_proxy: '', NO_PROXY: '127.0.0.1', no_proxy: '' },
    });
    assert.equal(res.code, 0, `exit 0 expected; stderr: ${res.stderr}`);
    assert.deepEqual(proxy.targets, [], 'nothing went through the proxy');
  } finally {
    await proxy.close();
  }
});
