import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ptaload-validate-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('validate prints the resolved plan of a good profile and exits 0', async () => {
  const r = await runCli(['validate', 'profiles/quickstart.yaml']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^profiles\/quickstart\.yaml: ok\n/);
  assert.match(r.stdout, /target +sim/);
  assert.match(r.stdout, /agents +4, capacity up to 1400\/s/);
  assert.match(r.stdout, /phases +warm-up +5s +constant 100\/s/);
  assert.match(r.stdout, /total +30s, peak target 900\/s/);
  assert.match(r.stdout, /thresholds +p99 < 1s/);
});

test('validate shows the timeline of a failover drill', async () => {
  const r = await runCli(['validate', 'profiles/failover-drill.yaml']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /timeline +20s +remove agent-2 \(crash\)/);
  assert.match(r.stdout, /1m +fail site dc2 \(crash\)/);
});

test('validate --json prints the normalised profile', async () => {
  const r = await runCli(['validate', '--json', 'profiles/smoke.yaml']);
  assert.equal(r.code, 0, r.stderr);
  const profile = JSON.parse(r.stdout);
  assert.equal(profile.name, 'smoke');
  assert.equal(profile.load.phases[0].durationMs, 5000);
  assert.equal(profile.load.phases[0].rate, 50);
});

test('a bad profile exits 2 with file:line, field and fix, and no stack trace', async () => {
  const path = join(dir, 'burst.yaml');
  await writeFile(
    path,
    "name: burst\nload:\n  phases:\n    - { duration: 10s, shape: constant, rate: '200 per second' }\n",
  );
  const r = await runCli(['validate', path]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    `ptaload: ${path}:4: load.phases[0].rate: expected a rate like 200/s, 12000/min or 3/h, or a number per second, got '200 per second'\n`,
  );
});

test('a missing profile, a bad users file and a missing argument all exit 2 without a stack', async () => {
  const secret = 'Pr1vate!Passw0rd';
  await writeFile(
    join(dir, 'users.csv'),
    `username,password\na@contoso.test,${secret}\na@contoso.test,${secret}\n`,
  );
  const profile = join(dir, 'with-users.yaml');
  await writeFile(
    profile,
    'name: u\nusers: { file: users.csv }\nload: { phases: [{ duration: 1s, shape: constant, rate: 1 }] }\n',
  );
  const [missing, dup, none] = await Promise.all([
    runCli(['validate', join(dir, 'nope.yaml')]),
    runCli(['validate', profile]),
    runCli(['validate']),
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^ptaload: cannot read profile .*nope\.yaml: no such file/);

  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /users\.csv:3: duplicate username 'a@contoso\.test' \(first seen on line 2\)/);
  assert.ok(!dup.stderr.includes(secret) && !dup.stdout.includes(secret), 'no password in the output');

  assert.equal(none.code, 2);
  assert.match(none.stderr, /missing required argument 'profile'/);

  for (const r of [missing, dup, none]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('validate reads a good users file and reports its size and states', async () => {
  await writeFile(join(dir, 'ok.csv'), 'a@contoso.test,pw1\nb@contoso.test,pw2,disabled\n');
  const profile = join(dir, 'ok.yaml');
  await writeFile(
    profile,
    'name: ok\nusers: { file: ok.csv }\nload: { phases: [{ duration: 1s, shape: constant, rate: 1 }] }\n',
  );
  const r = await runCli(['validate', profile]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /users +2 from .*ok\.csv \(1 disabled\)/);
  assert.ok(!r.stdout.includes('pw1'));
});

test('validate warns that run will refuse an entra profile loosening an interlock by itself', async () => {
  const path = join(dir, 'loose.yaml');
  await writeFile(join(dir, 'users.csv'), 'username,password\nu1@contoso.test,Corr3ct-Horse!\n');
  await writeFile(
    path,
    `name: loose
target:
  kind: entra
  tenant: contoso.onmicrosoft.com
  clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa
  pacing: { perUserPerMinute: 30 }
users: { file: users.csv }
load: { phases: [{ duration: 10s, shape: constant, rate: 1/s }] }
`,
  );
  const r = await runCli(['validate', path]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /warning: run and preflight refuse this without its flag: .*loose\.yaml:6: target\.pacing\.perUserPerMinute: 30 is looser than the default of 4;.*--per-user-per-minute 30/,
  );
});
