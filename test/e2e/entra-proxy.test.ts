import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import { startEntraFixture } from './entra-fixture.js';

const fx = await startEntraFixture(150);

test('with HTTPS_PROXY set, a real-tenant run tunnels through the proxy (and trusts the CA behind it)', async () => {
  const proxy = await startConnectProxy();
  try {
    const profile = await fx.profile('via-proxy');
    const out = join(fx.dir, 'results-proxy');
    const res = await runCli(['run', profile, '--out', out, '--quiet'], {
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
