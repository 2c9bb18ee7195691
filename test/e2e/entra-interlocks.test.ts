import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeUsersCsv } from '../../src/users/csv.js';
import { runCli } from '../helpers/cli.js';
import { startEntraFixture } from './entra-fixture.js';

const fx = await startEntraFixture(450);
const env = { HTTPS_PROXY: '', https_proxy: '' };

test('a rate cap raised in the profile alone is refused before any request; --max-rate lets the run go, capped', async () => {
  const profile = await fx.profile('fast', {
    rate: '30/s',
    duration: '3s',
    arrivals: 'poisson',
    target: '  maxRate: 40/s',
  });
  const before = fx.sim.counters.requests;
  const refused = await runCli(['run', profile, '--out', join(fx.dir, 'refused'), '--quiet'], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /above the default cap of 20\/s.*--max-rate 30\/s/);
  assert.equal(fx.sim.counters.requests, before, 'nothing was sent');

  const out = join(fx.dir, 'capped');
  const res = await runCli(['run', profile, '--out', out, '--quiet', '--max-rate', '30/s'], { env });
  assert.equal(res.code, 0, res.stderr);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.profile.resolved.target.maxRate, 30);
  // Poisson arrivals bunch up; the cap holds anyway: no second of the run sent more than 30.
  const intervals = (await readFile(join(out, 'intervals.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { index: number; sent: number });
  assert.ok(intervals.length >= 5);
  for (let i = 0; i + 1 < intervals.length; i++) {
    const second = intervals[i]!.sent + intervals[i + 1]!.sent;
    assert.ok(second <= 30, `intervals ${i}-${i + 1} sent ${second} in one second`);
  }
  assert.ok(fx.sim.counters.requests - before > 40);
});

test('too few users for the rate under per-user pacing: refused with the numbers, nothing sent', async () => {
  await writeUsersCsv(join(fx.dir, 'few.csv'), fx.users.slice(0, 100));
  const profile = await fx.profile('few-users', { users: 'few.csv', rate: '10/s' });
  const before = fx.sim.counters.requests;
  const res = await runCli(['run', profile, '--out', join(fx.dir, 'few'), '--quiet'], { env });
  assert.equal(res.code, 3);
  assert.match(
    res.stderr,
    /few\.csv has 100 user\(s\); at 4 sign-in\(s\) per user per minute they carry at most 6\.67\/s, but the load peaks at 10\/s, which needs at least 150 users/,
  );
  assert.equal(fx.sim.counters.requests, before);
});
