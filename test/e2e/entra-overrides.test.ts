import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startEntraFixture } from './entra-fixture.js';

const fx = await startEntraFixture(450);
const env = { HTTPS_PROXY: '', https_proxy: '' };

test('--rate above the cap is refused before any request; --max-rate on the same command line lets it run', async () => {
  const profile = await fx.profile('rate', { rate: '10/s', duration: '1m' });
  const before = fx.sim.counters.requests;
  const refused = await runCli(['run', profile, '--rate', '30/s', '--out', join(fx.dir, 'no'), '--quiet'], {
    env,
  });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /peaks at 30\/s but the safety cap is 20\/s[\s\S]*\(with --rate applied\)/);
  assert.equal(fx.sim.counters.requests, before, 'nothing was sent');

  const out = join(fx.dir, 'yes');
  const args = ['run', profile, '--rate', '30/s', '--max-rate', '30/s', '--duration', '2s', '--out', out];
  const res = await runCli([...args, '--quiet'], { env });
  assert.equal(res.code, 0, res.stderr);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.profile.resolved.target.maxRate, 30);
  assert.deepEqual(
    run.profile.resolved.load.phases.map((p: { rate: number; durationMs: number }) => [p.rate, p.durationMs]),
    [[30, 2000]],
  );
  const sent = fx.sim.counters.requests - before;
  assert.ok(sent > 30 && sent <= 61, `about 60 sign-ins in 2 s at 30/s, got ${sent}`);
});

test('a cap raised in the profile alone does not let --rate past the default', async () => {
  const profile = await fx.profile('raised', { rate: '10/s', target: '  maxRate: 100/s' });
  const before = fx.sim.counters.requests;
  const res = await runCli(['run', profile, '--rate', '50/s', '--out', join(fx.dir, 'raised'), '--quiet'], {
    env,
  });
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /raised only on the command line.*--max-rate 50\/s/);
  assert.equal(fx.sim.counters.requests, before, 'nothing was sent');
});

test('--agents is refused for a real tenant (exit 2): its agents are the ones installed', async () => {
  const profile = await fx.profile('agents');
  const before = fx.sim.counters.requests;
  const res = await runCli(['run', profile, '--agents', '2', '--out', join(fx.dir, 'agents'), '--quiet'], {
    env,
  });
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /--agents sets how many agents the simulated tenant starts with/);
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.equal(fx.sim.counters.requests, before, 'nothing was sent');
});

test('preflight judges the load --rate asks for: enough users for it, and the cap on the same terms as run', async () => {
  const profile = await fx.profile('preflight-rate', { rate: '5/s' });
  const capped = await runCli(['preflight', profile, '--rate', '40/s'], { env });
  assert.equal(capped.code, 2, capped.stderr);
  assert.match(capped.stderr, /peaks at 40\/s but the safety cap is 20\/s[\s\S]*\(with --rate applied\)/);

  const res = await runCli(['preflight', profile, '--rate', '40/s', '--max-rate', '40/s'], { env });
  assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
  // 450 users at 4 sign-ins a minute each carry 30/s; 40/s needs 600.
  assert.match(res.stdout, /FAIL\s+load plan\s+.*needs at least 600 users/);
});
