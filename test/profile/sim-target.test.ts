import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProfileError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/load.js';
import type { SimTarget } from '../../src/profile/schema.js';
import { DEFAULTS } from '../../src/sim/options.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const LOAD = 'load: { phases: [{ duration: 1s, shape: constant, rate: 10/s }] }';

function sim(fields: string): SimTarget {
  const p = parseProfile(`name: s\ntarget: { kind: sim, ${fields} }\n${LOAD}\n`, 's.yaml');
  assert.equal(p.target.kind, 'sim');
  return p.target as SimTarget;
}

function refuse(fields: string): string {
  try {
    sim(fields);
  } catch (err) {
    assert.ok(err instanceof ProfileError, `expected a ProfileError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.message;
  }
  return assert.fail(`target { ${fields} } should have been refused`);
}

test("the sim target's behaviours default as ptaload sim's do, off where the simulator has them off", () => {
  const t = sim('seed: 1');
  assert.equal(t.ptaTimeoutMs, 10_000);
  assert.equal(t.detectionDelayMs, 10_000);
  assert.deepEqual(t.lockout, { threshold: 10, durationMs: 60_000, growth: 2, hashTracking: false });
  assert.equal(t.lateAnswerCode, 80002);
  assert.equal(t.ipBlock, false);
  assert.equal(t.agentHeader, true);
  assert.equal(t.secretExpired, false);
  for (const off of ['queueTimeoutMs', 'onPremLockout', 'requestLoop', 'inject', 'clientSecretEnv']) {
    assert.equal(off in t, false, `${off} absent unless set`);
  }
  // One source: what the simulator (and so `ptaload sim`) falls back to is what a profile gets.
  assert.equal(t.ptaTimeoutMs, DEFAULTS.ptaTimeoutMs);
  assert.equal(t.detectionDelayMs, DEFAULTS.detectionDelayMs);
  assert.deepEqual(t.lockout, DEFAULTS.lockout);
  assert.equal(t.lateAnswerCode, DEFAULTS.lateAnswerCode);
  assert.equal(t.directory.bindTimeMs, DEFAULTS.directoryTimeMs);
  const o = sim('onPremLockout: { threshold: 4 }, requestLoop: { threshold: 9 }').onPremLockout;
  assert.deepEqual(o, { threshold: 4, ...DEFAULTS.onPremLockout });
  assert.deepEqual(o, { threshold: 4, windowMs: 1_800_000, durationMs: 1_800_000 });
  assert.deepEqual(sim('requestLoop: { threshold: 9 }').requestLoop, { threshold: 9, windowMs: 60_000 });
});

test('every behaviour normalises to the simulator’s units', () => {
  const t = sim(
    [
      'queueTimeout: 2s',
      'lateAnswerCode: 80014',
      'lockout: { threshold: 3, duration: 5m, growth: 1.5, hashTracking: true }',
      'onPremLockout: { threshold: 5, window: 10m, duration: 1h }',
      'requestLoop: { threshold: 20, window: 30s }',
      'ipBlock: true',
      'inject: { code: 90055, share: 5% }',
      'agentHeader: false',
      'clientSecretEnv: SIM_SECRET',
      'secretExpired: true',
    ].join(', '),
  );
  assert.equal(t.queueTimeoutMs, 2000);
  assert.equal(t.lateAnswerCode, 80014);
  assert.deepEqual(t.lockout, { threshold: 3, durationMs: 300_000, growth: 1.5, hashTracking: true });
  assert.deepEqual(t.onPremLockout, { threshold: 5, windowMs: 600_000, durationMs: 3_600_000 });
  assert.deepEqual(t.requestLoop, { threshold: 20, windowMs: 30_000 });
  assert.equal(t.ipBlock, true);
  assert.deepEqual(t.inject, { code: 90055, share: 0.05 });
  assert.deepEqual(sim('inject: { code: 80007, count: 7 }').inject, { code: 80007, count: 7 });
  assert.equal(t.agentHeader, false);
  assert.equal(t.clientSecretEnv, 'SIM_SECRET');
  assert.equal(t.secretExpired, true);
});

test('a bad behaviour value names its field and what would do', () => {
  const cases: [string, RegExp][] = [
    ['lockout: { growth: 0.5 }', /target\.lockout\.growth: .*at least 1/],
    ['lockout: { hashTracking: yes please }', /target\.lockout\.hashTracking: /],
    ['onPremLockout: { window: 5m }', /target\.onPremLockout\.threshold: missing/],
    ['onPremLockout: { threshold: 3, duration: 2d }', /target\.onPremLockout\.duration: expected a duration/],
    ['requestLoop: { threshold: 0 }', /target\.requestLoop\.threshold: /],
    ['queueTimeout: 0s', /target\.queueTimeout: must be more than 0/],
    ['ptaTimeout: 25h', /target\.ptaTimeout: must be more than 0 and at most 24h, got '25h'/],
    [
      'inject: { code: 12345, share: 5% }',
      /target\.inject\.code: must be a code of the sim's table: .*50196/,
    ],
    ['inject: { code: 90055 }', /target\.inject: give exactly one of share .* or count/],
    ['inject: { code: 90055, share: 5%, count: 3 }', /target\.inject: give exactly one/],
    ['inject: { code: 90055, share: 5 }', /target\.inject\.share: .*did you mean '5%'/],
    ['lateAnswerCode: 80003', /target\.lateAnswerCode: expected 80002 or 80014, got 80003/],
    ['ipBlock: 1', /target\.ipBlock: /],
    ['secretExpired: true', /target\.secretExpired: needs clientSecretEnv/],
    ['agentHeader: none', /target\.agentHeader: /],
  ];
  for (const [fields, expected] of cases) assert.match(refuse(fields), expected, fields);
});

test('a pasted secret in clientSecretEnv is refused without repeating it', () => {
  const message = refuse("clientSecretEnv: 'Xy7~q.Secret-Value'");
  assert.match(message, /target\.clientSecretEnv: expected the NAME of an environment variable/);
  assert.ok(!message.includes('Xy7~q'), message);
});

test('ptaload validate: a bad sim field is exit 2 naming file, line and field; a good one is described', async () => {
  const dir = await tempDir('ptaload-sim-target-');
  const bad = join(dir, 'bad.yaml');
  await writeFile(
    bad,
    `name: bad\ntarget:\n  kind: sim\n  requestLoop: { threshold: 5, window: soon }\n${LOAD}\n`,
  );
  const r = await runCli(['validate', bad]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bad\.yaml:4: target\.requestLoop\.window: expected a duration/);

  const good = join(dir, 'good.yaml');
  await writeFile(
    good,
    `name: good\ntarget: { kind: sim, lockout: { hashTracking: true }, requestLoop: { threshold: 5 }, onPremLockout: { threshold: 4 }, ipBlock: true, inject: { code: 90055, share: 2% }, lateAnswerCode: 80014, agentHeader: false, clientSecretEnv: SIM_SECRET }\n${LOAD}\n`,
  );
  const g = await runCli(['validate', good]);
  assert.equal(g.code, 0, g.stderr);
  for (const line of [
    /late answers 80014/,
    /smart lockout after 10 wrong passwords for 1m, ×2 each repeat; a repeat of a recent wrong password not counted/,
    /on-prem AD lockout after 4 bad passwords within 30m, for 30m/,
    /request loop: more than 5 sign-ins of one user per 1m get 50196/,
    /IP blocked: every sign-in answers 50053/,
    /injected: 2% of sign-ins end with AADSTS90055/,
    /no agent header/,
    /confidential app, client secret from \$SIM_SECRET/,
  ]) {
    assert.match(g.stdout, line);
  }
});
