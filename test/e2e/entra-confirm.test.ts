import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { writeUsersCsv } from '../../src/users/csv.js';
import { generateUsers } from '../../src/users/generate.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const TENANT = 'contoso.onmicrosoft.com';
/** RFC 2606: `.invalid` never resolves; and the spy below refuses it before any lookup anyway. */
const AUTHORITY = 'https://login.tenant.invalid';
const SPY = pathToFileURL(join(ROOT, 'test/helpers/net-spy.mjs')).href;

const dir = await tempDir('ptaload-confirm-');
await writeUsersCsv(join(dir, 'users.csv'), generateUsers({ count: 150, domain: 'contoso.test', seed: 2 }));
const profile = join(dir, 'real.yaml');
await writeFile(
  profile,
  `name: real
target: { kind: entra, tenant: ${TENANT}, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa, authorityHost: ${AUTHORITY}, confirmTenant: ${TENANT} }
users: { file: users.csv }
load: { phases: [{ duration: 2s, shape: constant, rate: 10/s }] }
`,
);

/**
 * Runs the CLI with every socket connect and DNS lookup of its process recorded (test/helpers/net-spy.mjs,
 * preloaded through NODE_OPTIONS) and returns what it tried to reach. The spy refuses anything off this
 * machine, so even the control case below sends nothing anywhere.
 */
async function spied(args: string[], name: string) {
  const log = join(dir, `${name}.netlog`);
  const res = await runCli(args, {
    env: { NODE_OPTIONS: `--import=${SPY}`, PTALOAD_NET_SPY: log, HTTPS_PROXY: '', https_proxy: '' },
  });
  const attempts = existsSync(log)
    ? (await readFile(log, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { kind: string; host: string })
    : [];
  return { res, attempts };
}

test('without --confirm-tenant a non-loopback authority is refused before any connection or lookup', async () => {
  const out = join(dir, 'results');
  const run = await spied(['run', profile, '--out', out, '--quiet'], 'run');
  assert.equal(run.res.code, 3, run.res.stderr);
  assert.match(run.res.stderr, /refusing to send sign-ins to tenant 'contoso\.onmicrosoft\.com'/);
  assert.match(run.res.stderr, /add --confirm-tenant contoso\.onmicrosoft\.com/);
  assert.match(run.res.stderr, /target\.confirmTenant in a profile is not enough on its own/);
  assert.deepEqual(run.attempts, [], 'no socket was opened and no name looked up');
  assert.equal(existsSync(out), false, 'no results folder for a run that never started');

  const wrong = await spied(['preflight', profile, '--confirm-tenant', 'fabrikam.onmicrosoft.com'], 'wrong');
  assert.equal(wrong.res.code, 3);
  assert.match(wrong.res.stderr, /does not match the target tenant/);
  assert.deepEqual(wrong.attempts, []);
});

test('control: once confirmed, the same command does try to reach the authority (which the spy refuses)', async () => {
  const { res, attempts } = await spied(['preflight', profile, '--confirm-tenant', TENANT], 'confirmed');
  assert.equal(res.code, 3, 'not ready: the authority cannot be reached');
  assert.match(res.stdout, /FAIL\s+discovery\s+could not reach https:\/\/login\.tenant\.invalid/);
  assert.match(res.stdout, /verdict: NOT READY/);
  assert.ok(
    attempts.some((a) => a.host === 'login.tenant.invalid'),
    `the spy saw the attempt: ${JSON.stringify(attempts)}`,
  );
});
