import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { lockedShareInForce } from '../../src/run/breakers.js';
import { runCli } from '../helpers/cli.js';
import { startEntraFixture } from './entra-fixture.js';

// Safety settings: a profile may tighten them; only the command line loosens one.
const fx = await startEntraFixture(150);

test('the lockout share in force: the flag wins; a profile may lower it, never raise it alone', () => {
  assert.deepEqual(lockedShareInForce(0.005, undefined), { share: 0.005 });
  assert.deepEqual(lockedShareInForce(0.01, undefined), { share: 0.01 });
  assert.deepEqual(lockedShareInForce(1, 1), { share: 1 });
  const refused = lockedShareInForce(1, undefined);
  assert.ok('refusal' in refused);
  assert.match(refused.refusal, /lockedShare to 100%.*--locked-share 100%/);
});

test('a profile raising breakers.lockedShare is refused before any sign-in; --locked-share allows it', async () => {
  const profile = await fx.profile('loose-breaker', {
    target: '  breakers: { lockedShare: 100% }',
    duration: '1s',
  });
  const before = fx.sim.counters.requests;
  const out = join(fx.dir, 'results-loose');
  const refused = await runCli(['run', profile, '--out', out, '--quiet']);
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /target\.breakers\.lockedShare to 100%.*--locked-share 100%/);
  assert.equal(fx.sim.counters.requests, before, 'nothing reached the tenant');

  const allowed = await runCli(['run', profile, '--out', out, '--quiet', '--locked-share', '100%']);
  assert.equal(allowed.code, 0, allowed.stderr);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.profile.resolved.target.breakers.lockedShare, 1);
  assert.ok(fx.sim.counters.requests > before);
});

test('--max-rate takes a bare number per second, as its message says', async () => {
  const profile = await fx.profile('bare-max-rate', { duration: '1s' });
  const res = await runCli([
    'run',
    profile,
    '--out',
    join(fx.dir, 'results-bare'),
    '--quiet',
    '--max-rate',
    '1000',
  ]);
  assert.equal(res.code, 0, res.stderr);
  const run = JSON.parse(await readFile(join(fx.dir, 'results-bare', 'run.json'), 'utf8'));
  assert.equal(run.profile.resolved.target.maxRate, 1000);
  const bad = await runCli(['run', profile, '--max-rate', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-rate takes a rate like 200\/s.*or a number per second.*'lots'/);
});
