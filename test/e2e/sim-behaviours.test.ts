import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Summary } from '../../src/analysis/summary-types.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Each behaviour of the simulated tenant that `ptaload sim` has a flag for, set in a profile's sim target and
// run through `ptaload run` against the real simulator child: what the results folder then counts.
const dir = await tempDir('ptaload-sim-behaviours-');

interface Setup {
  /** Extra fields of `target: { kind: sim, ... }`, in YAML flow style. */
  readonly target: string;
  readonly users?: string;
  readonly agents?: string;
  readonly rate?: string;
}

/** 10 users at 100/s for 1 s, uniform arrivals: each user signs in 10 times (9 when the last interval cuts one). */
async function run(
  name: string,
  s: Setup,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string; out: string; summary?: Summary }> {
  const profile = join(dir, `${name}.yaml`);
  await writeFile(
    profile,
    `name: ${name}
target: { kind: sim, seed: 5, ${s.target} }
users: ${s.users ?? '{ generate: 10 }'}
agents: ${s.agents ?? '{ count: 2 }'}
load: { workers: 1, interval: 1s, arrivals: uniform, phases: [{ duration: 1s, shape: constant, rate: ${s.rate ?? '100/s'} }] }
`,
  );
  const out = join(dir, name);
  const res = await runCli(['run', profile, '--out', out, '--quiet'], { env });
  const text = await readFile(join(out, 'summary.json'), 'utf8').catch(() => undefined);
  return {
    code: res.code,
    stderr: res.stderr,
    out,
    ...(text ? { summary: JSON.parse(text) as Summary } : {}),
  };
}

function counts(summary: Summary | undefined) {
  assert.ok(summary, 'summary.json written');
  assert.ok(summary.requests.completed >= 80, `about 100 sign-ins, got ${summary.requests.completed}`);
  return summary.requests.byOutcome;
}

test('smart lockout: with PTA every wrong password counts; hashTracking counts a repeated one once', async () => {
  const pta = await run('lockout-pta', {
    target: 'lockout: { threshold: 3, duration: 10m }',
    users: '{ generate: 10, wrongPasswordShare: 100% }',
  });
  assert.equal(pta.code, 0, pta.stderr);
  const a = counts(pta.summary);
  // The harness sends the same wrong password every time: three of them lock each user, the rest are 50053
  // answered before any agent is asked.
  assert.equal(a.invalid_credentials, 10 * 3);
  assert.equal(a.locked, pta.summary!.requests.completed - 30);
  assert.equal(pta.summary!.requests.unattributed, a.locked, 'smart lockout answers without an agent');

  const phs = await run('lockout-hash', {
    target: 'lockout: { threshold: 3, duration: 10m, growth: 4, hashTracking: true }',
    users: '{ generate: 10, wrongPasswordShare: 100% }',
  });
  assert.equal(phs.code, 0, phs.stderr);
  const b = counts(phs.summary);
  assert.equal(b.locked, 0, 'a repeat of a recent wrong password is not counted again');
  assert.equal(b.invalid_credentials, phs.summary!.requests.completed);
});

test('onPremLockout: the AD locks after its threshold, and its 50053 comes through an agent', async () => {
  const r = await run('onprem', {
    target: 'lockout: { threshold: 1000 }, onPremLockout: { threshold: 2, window: 30m, duration: 30m }',
    users: '{ generate: 10, wrongPasswordShare: 100% }',
  });
  assert.equal(r.code, 0, r.stderr);
  const c = counts(r.summary);
  assert.equal(c.invalid_credentials, 10 * 2);
  assert.equal(c.locked, r.summary!.requests.completed - 20);
  assert.equal(r.summary!.requests.unattributed, 0, 'every answer, the lockouts too, named its agent');
});

test('requestLoop: past the threshold in the window, sign-ins get 50196 and count as throttled', async () => {
  const r = await run('loop', { target: 'requestLoop: { threshold: 3, window: 1m }' });
  assert.equal(r.code, 0, r.stderr);
  const c = counts(r.summary);
  assert.equal(c.success, 10 * 3, 'each user gets its threshold of sign-ins through');
  assert.ok(c.throttled > 0, 'the rest are throttled');
  assert.equal(r.summary!.codes['50196'], c.throttled);
  assert.equal(c.success + c.throttled, r.summary!.requests.completed);
});

test('ipBlock: every sign-in is 50053, whatever the password', async () => {
  const r = await run('ipblock', { target: 'ipBlock: true' });
  assert.equal(r.code, 0, r.stderr);
  const c = counts(r.summary);
  assert.equal(c.locked, r.summary!.requests.completed);
  assert.deepEqual(r.summary!.codes, { '50053': c.locked });
});

test('inject: a share of sign-ins ends with the code, classified as the harness classifies it', async () => {
  const r = await run('inject-share', { target: 'inject: { code: 53003, share: 25% }', rate: '200/s' });
  assert.equal(r.code, 0, r.stderr);
  const c = counts(r.summary);
  const n = r.summary!.requests.completed;
  assert.equal(r.summary!.codes['53003'], c.ca_blocked);
  assert.ok(c.ca_blocked > n * 0.1 && c.ca_blocked < n * 0.4, `about 25% of ${n}, got ${c.ca_blocked}`);
  assert.equal(c.success + c.ca_blocked, n);
});

test('inject by count, without the agent header: exactly that many, and no figures per agent', async () => {
  const r = await run('inject-count', { target: 'inject: { code: 80007, count: 7 }, agentHeader: false' });
  assert.equal(r.code, 0, r.stderr);
  const c = counts(r.summary);
  assert.equal(c.pta_error, 7);
  assert.equal(r.summary!.codes['80007'], 7);
  assert.deepEqual(Object.keys(r.summary!.latencyMs.agents), [], 'no reply named an agent');
  assert.equal(r.summary!.requests.unattributed, r.summary!.requests.completed);
});

test('lateAnswerCode 80014: an agent answering after ptaTimeout is 80014 (pta_timeout), never 80002', async () => {
  // Ten times slower than nominal (about 180 ms a validation) with cores to spare: no request waits in the
  // queue past queueTimeout, and nearly every answer comes after the 40 ms Entra waits.
  const r = await run('late', {
    target: 'ptaTimeout: 40ms, queueTimeout: 30ms, lateAnswerCode: 80014',
    agents: '{ list: [{ name: agent-1, cores: 64, version: slow }], versions: { slow: { slowFactor: 10 } } }',
    rate: '50/s',
  });
  assert.equal(r.code, 0, r.stderr);
  const s = r.summary!;
  assert.ok(s.requests.completed >= 40, `about 50 sign-ins, got ${s.requests.completed}`);
  assert.ok(s.codes['80014']! > s.requests.completed / 2, JSON.stringify(s.codes));
  assert.equal(s.codes['80002'], undefined);
  assert.equal(s.requests.byOutcome.pta_timeout, s.codes['80014']);
});

test('clientSecretEnv: a confidential app, the secret sent by the harness and written nowhere', async () => {
  const secret = `sim-secret-${process.pid}-${Date.now()}`;
  const ok = await run(
    'confidential',
    { target: 'clientSecretEnv: SIM_APP_SECRET' },
    { SIM_APP_SECRET: secret },
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(counts(ok.summary).success, ok.summary!.requests.completed);
  for (const f of await readdir(ok.out)) {
    const text = await readFile(join(ok.out, f), 'utf8').catch(() => '');
    assert.ok(!text.includes(secret), `${f} does not hold the secret`);
  }
  assert.ok(!ok.stderr.includes(secret));

  const expired = await run(
    'expired',
    { target: 'clientSecretEnv: SIM_APP_SECRET, secretExpired: true' },
    { SIM_APP_SECRET: secret },
  );
  assert.equal(expired.code, 3, `a config error stops the run: ${expired.stderr}`);
  assert.match(expired.stderr, /7000222|expired/);
  assert.ok(!expired.stderr.includes(secret));

  const unset = await run('unset', { target: 'clientSecretEnv: SIM_APP_SECRET_UNSET' });
  assert.equal(unset.code, 3, unset.stderr);
  assert.match(unset.stderr, /target\.clientSecretEnv names the environment variable SIM_APP_SECRET_UNSET/);
  assert.equal(unset.stderr.trim().split('\n').length, 1, `one paragraph: ${unset.stderr}`);
});
