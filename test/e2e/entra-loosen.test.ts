import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startEntraFixture } from './entra-fixture.js';

// Safety settings: a profile may tighten them; only the command line loosens one.
const fx = await startEntraFixture(150);

/** Each interlock field a profile may only tighten: a looser value, and the flag that allows it. */
const LOOSER = [
  {
    field: 'breakers.lockedShare',
    yaml: '  breakers: { lockedShare: 100% }',
    flag: ['--locked-share', '100%'],
    resolved: 1,
  },
  {
    field: 'breakers.throttledShare',
    yaml: '  breakers: { throttledShare: null }',
    flag: ['--throttled-share', 'off'],
    resolved: null,
  },
  {
    field: 'breakers.throttledShare',
    yaml: '  breakers: { throttledShare: 20% }',
    flag: ['--throttled-share', '20%'],
    resolved: 0.2,
  },
  {
    field: 'pacing.perUserPerMinute',
    yaml: '  pacing: { perUserPerMinute: 30 }',
    flag: ['--per-user-per-minute', '30'],
    resolved: 30,
  },
  {
    field: 'pacing.wrongPerUserPerHour',
    yaml: '  pacing: { wrongPerUserPerHour: 5 }',
    flag: ['--wrong-per-user-per-hour', '5'],
    resolved: 5,
  },
] as const;

const pick = (target: Record<string, unknown>, field: string): unknown =>
  field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], target);

for (const [i, c] of LOOSER.entries()) {
  test(`a profile loosening target.${c.field} (${c.flag.join(' ')}) is refused with exit 2 before any byte is sent; the flag allows it`, async () => {
    const profile = await fx.profile(`loose-${i}`, { target: c.yaml, duration: '1s' });
    const before = fx.sim.counters.requests;
    const out = join(fx.dir, `results-loose-${i}`);
    const refused = await runCli(['run', profile, '--out', out, '--quiet']);
    assert.equal(refused.code, 2, refused.stderr);
    const where = new RegExp(
      `loose-${i}\\.yaml:\\d+: target\\.${c.field.replace('.', '\\.')}: .*default.*Run again with ${c.flag.join(' ')} if you mean it`,
    );
    assert.match(refused.stderr, where);
    assert.doesNotMatch(refused.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    assert.equal(fx.sim.counters.requests, before, 'nothing reached the tenant');
    const preflight = await runCli(['preflight', profile]);
    assert.equal(preflight.code, 2, preflight.stderr);
    assert.equal(fx.sim.counters.requests, before, 'preflight sent nothing either');

    const allowed = await runCli(['run', profile, '--out', out, '--quiet', ...c.flag]);
    assert.equal(allowed.code, 0, allowed.stderr);
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(pick(run.profile.resolved.target, c.field), c.resolved);
    assert.ok(
      run.notes.some((n: string) =>
        n.startsWith(`safety interlocks loosened on the command line: ${c.flag.join(' ')}`),
      ),
      JSON.stringify(run.notes),
    );
    assert.ok(fx.sim.counters.requests > before);
  });
}

test('a lockout threshold above the cloud default is refused before any byte is sent, and no flag raises it', async () => {
  const profile = await fx.profile('loose-threshold', { target: '  pacing: { lockoutThreshold: 20 }' });
  const before = fx.sim.counters.requests;
  const res = await runCli(['run', profile, '--out', join(fx.dir, 'results-threshold'), '--quiet']);
  assert.equal(res.code, 2, res.stderr);
  assert.match(
    res.stderr,
    /target\.pacing\.lockoutThreshold: 20 is above smart lockout's default of 10.*no flag raises it/,
  );
  assert.equal(fx.sim.counters.requests, before, 'nothing reached the tenant');
});

test('a profile that tightens every interlock runs with its own values', async () => {
  const profile = await fx.profile('tight', {
    rate: '5/s',
    duration: '1s',
    target: `  maxRate: 15/s
  pacing: { perUserPerMinute: 3, wrongPerUserPerHour: 1, lockoutThreshold: 6, onPremLockoutThreshold: 0 }
  breakers: { lockedShare: 0.5%, throttledShare: 5% }`,
  });
  const out = join(fx.dir, 'results-tight');
  const res = await runCli(['run', profile, '--out', out, '--quiet']);
  assert.equal(res.code, 0, res.stderr);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  const t = run.profile.resolved.target;
  assert.deepEqual(
    [t.maxRate, t.pacing, t.breakers],
    [
      15,
      { perUserPerMinute: 3, wrongPerUserPerHour: 1, lockoutThreshold: 6, onPremLockoutThreshold: 0 },
      { lockedShare: 0.005, throttledShare: 0.05, ptaFailureShare: null },
    ],
  );
  assert.ok(!run.notes.some((n: string) => /loosened/.test(n)), JSON.stringify(run.notes));
});

test('the pacing flags stop at the schema ceiling: not even the command line passes it', async () => {
  const profile = await fx.profile('ceiling');
  for (const [flag, value, range] of [
    ['--per-user-per-minute', '61', '1 to 60'],
    ['--wrong-per-user-per-hour', '6', '0 to 5'],
    ['--per-user-per-minute', '2.5', '1 to 60'],
  ] as const) {
    const res = await runCli(['run', profile, flag, value]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, new RegExp(`${flag} takes a whole number from ${range}, got '${value}'`));
  }
  const bad = await runCli(['run', profile, '--throttled-share', 'never']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--throttled-share takes a percentage like 20%, or off/);
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
