import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { writeUsersCsv } from '../../src/users/csv.js';
import { runCli } from '../helpers/cli.js';
import { type EntraFixture, startEntraFixture } from './entra-fixture.js';

const env = { HTTPS_PROXY: '', https_proxy: '' };
const fx = await startEntraFixture(150);
const loop = await startEntraFixture(5, { requestLoop: { threshold: 3, windowMs: 60_000 } });

async function admin(f: EntraFixture, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await request(`${f.sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${f.sim.adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    dispatcher: new Agent({ connect: { ca: f.sim.caPem } }),
  });
  return (await res.body.json()) as Record<string, unknown>;
}

const summaryOf = async (out: string) => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));

test('an entra run with wrongPasswordShare 50% over https ends with no locked user', async () => {
  // 10 s at 10/s = 100 sign-ins over 20 users, half of them wrong: 2.5 wrong passwords per user, under 5.
  await writeUsersCsv(join(fx.dir, 'twenty.csv'), fx.users.slice(0, 20));
  const profile = await fx.profile('half-wrong', {
    users: 'twenty.csv',
    wrongPasswordShare: '50%',
    duration: '10s',
  });
  const out = join(fx.dir, 'half-wrong');
  const loosened = ['--per-user-per-minute', '30', '--wrong-per-user-per-hour', '5'];
  const res = await runCli(['run', profile, '--out', out, '--quiet', ...loosened], { env });
  assert.equal(res.code, 0, res.stderr);
  const summary = await summaryOf(out);
  assert.ok(summary.requests.byOutcome.invalid_credentials >= 40, JSON.stringify(summary.requests.byOutcome));
  assert.equal(summary.requests.byOutcome.locked ?? 0, 0);
  const counters = await admin(fx, 'GET', '/_sim/counters');
  assert.equal(counters.lockedUsers, 0, 'the simulated tenant locked nobody');
});

test('pacing refuses, before sending, wrong passwords that would reach the lockout threshold', async () => {
  // 5 min at 10/s = 3000 sign-ins, 50 % wrong over 150 users = 10 each: smart lockout's threshold.
  const profile = await fx.profile('too-wrong', {
    wrongPasswordShare: '50%',
    duration: '5m',
  });
  const before = fx.sim.counters.requests;
  const out = join(fx.dir, 'too-wrong');
  const res = await runCli(['run', profile, '--out', out, '--quiet', '--wrong-per-user-per-hour', '5'], {
    env,
  });
  assert.equal(res.code, 3, res.stderr);
  assert.match(
    res.stderr,
    /1500 wrong passwords; over the 150 user\(s\) of users\.csv that is 10 per user in the run, which reaches smart lockout's 10/,
  );
  assert.match(res.stderr, /every wrong password counts/);
  assert.equal(fx.sim.counters.requests, before, 'nothing was sent');
});

test("50196 past the sim's loop threshold: the harness counts it as throttled and rests the user", async () => {
  // 5 users at 5/s for 6 s: 6 tries each; the sim throttles a user's 4th try in a minute. Resting the
  // user after its first 50196 means one throttled reply per user, not three.
  const profile = await loop.profile('loop', {
    rate: '5/s',
    duration: '6s',
  });
  const out = join(loop.dir, 'loop');
  const loosened = ['--per-user-per-minute', '60', '--throttled-share', 'off'];
  const res = await runCli(['run', profile, '--out', out, '--quiet', ...loosened], { env });
  assert.equal(res.code, 0, res.stderr);
  const summary = await summaryOf(out);
  assert.equal(summary.requests.byOutcome.throttled, 5, JSON.stringify(summary.requests.byOutcome));
  assert.equal(loop.sim.counters.of(50196), 5, 'the sim throttled each user once');
  const records = (await readFile(join(out, 'intervals.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const codes = records.reduce((n, l) => n + (JSON.parse(l).codes['50196'] ?? 0), 0);
  assert.equal(codes, 5, 'the code is kept apart');
  assert.equal(summary.requests.byOutcome.success, 15, 'three good tries per user before the loop');
});

test("the spray breaker stops a run against the sim's IP-block mode and points at the sign-in logs", async () => {
  await admin(fx, 'POST', '/_sim/ip-block', { on: true });
  try {
    const profile = await fx.profile('blocked', { duration: '6s' });
    const out = join(fx.dir, 'blocked');
    const res = await runCli(['run', profile, '--out', out, '--quiet'], { env });
    assert.equal(res.code, 3, res.stderr);
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(run.status, 'failed');
    assert.match(
      run.failure.message,
      /came for \d+ distinct user\(s\) so far, \d+ of them with the right password/,
    );
    assert.match(
      run.failure.message,
      /Sign-in was blocked because it came from an IP address with malicious activity/,
    );
    const summary = await summaryOf(out);
    assert.ok(summary.requests.sent < 60, `stopped early (sent ${summary.requests.sent} of 60)`);
  } finally {
    await admin(fx, 'POST', '/_sim/ip-block', { on: false });
  }
});
