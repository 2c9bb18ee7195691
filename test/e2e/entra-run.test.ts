import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { allFiles, startEntraFixture } from './entra-fixture.js';

const secret = `S3cret-${randomBytes(12).toString('base64url')}`;
// A confidential app, as a secret in the environment means: Entra refuses a secret from a public client (700025).
const fx = await startEntraFixture(150, { app: { type: 'confidential', secret } });

test('a full run against a real-tenant stand-in over TLS: results folder, hooks on the timeline, no secret anywhere', async () => {
  const profile = await fx.profile('tenant-run', {
    wrongPasswordShare: '5%',
    target: '  clientSecretEnv: PTALOAD_TEST_SECRET',
    extra: `agents:
  list:
    - { name: agent-1, site: dc1, host: pta1.corp.example }
    - { name: agent-2, site: dc1, host: pta2.corp.example }
  timeline:
    - { at: 500ms, action: remove, agent: agent-2, mode: drain }
    - { at: 1s, action: add, agent: agent-2 }
  hooks:
    remove: "echo removing {name} on {host} secret=$PTALOAD_TEST_SECRET"
    add: "echo cannot reach {host} >&2; exit 4"
    timeout: 10s`,
  });
  const out = join(fx.dir, 'results-run');
  const before = fx.sim.counters.requests;
  const res = await runCli(['run', profile, '--out', out, '--quiet'], {
    env: { PTALOAD_TEST_SECRET: secret, HTTPS_PROXY: '', https_proxy: '' },
  });
  assert.equal(res.code, 0, `exit 0 expected; stderr: ${res.stderr}`);
  assert.match(res.stdout, /ptaload completed/);

  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'completed');
  assert.deepEqual(run.target, { kind: 'entra', url: fx.sim.url, tenant: fx.sim.tenant });
  assert.equal(run.profile.resolved.target.clientSecretEnv, 'PTALOAD_TEST_SECRET');
  assert.deepEqual(
    run.agents.map((a: { name: string; host: string }) => [a.name, a.host]),
    [
      ['agent-1', 'pta1.corp.example'],
      ['agent-2', 'pta2.corp.example'],
    ],
  );

  // The remove hook ran templated from the inventory, without the secret in its environment.
  const [removed, added] = run.timeline;
  assert.equal(removed.action, 'remove');
  assert.equal(removed.ok, true);
  assert.equal(removed.hook.exitCode, 0);
  assert.equal(removed.hook.stdout.trim(), 'removing agent-2 on pta2.corp.example secret=');
  // A failing hook is on the timeline, and the run went on.
  assert.equal(added.action, 'add');
  assert.equal(added.ok, false);
  assert.equal(added.hook.exitCode, 4);
  assert.match(added.error, /exited with 4: cannot reach pta2\.corp\.example/);

  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  assert.ok(summary.requests.sent >= 15, `about 20 sign-ins expected, got ${summary.requests.sent}`);
  assert.equal(summary.requests.completed, summary.requests.sent);
  assert.equal(fx.sim.counters.requests - before, summary.requests.sent, 'every sign-in reached the tenant');
  assert.ok(summary.requests.byOutcome.success > 0);
  assert.ok(summary.requests.byOutcome.invalid_credentials >= 1, 'the wrong-password share was sent');
  assert.equal(summary.requests.byOutcome.config_error, 0);

  // The secret reached the tenant only: not the console, not one byte of the results.
  assert.ok(!res.stdout.includes(secret) && !res.stderr.includes(secret), 'secret in console output');
  const files = await allFiles(out);
  assert.ok(files.size >= 5);
  for (const [path, text] of files) assert.ok(!text.includes(secret), `secret found in ${path}`);
});
