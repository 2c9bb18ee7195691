import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
// By package name, as a user's code would: resolved through package.json "exports" to the built dist/.
import { compare, EXIT, PtaloadError, report, run, type SessionResult, startSim } from 'ptaload';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILE = `
name: api-smoke
target: { kind: sim, seed: 7 }
users: { generate: 50 }
agents: { count: 2 }
load:
  workers: 1
  arrivals: uniform
  phases:
    - { duration: 2s, shape: constant, rate: 20/s }
thresholds: ["error_rate < 1%"]
`;

test('the package name resolves to the built library, with its types', async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['.'].default, './dist/src/index.js');
  const types = await readFile(join(ROOT, pkg.exports['.'].types), 'utf8');
  for (const name of ['run', 'report', 'compare', 'plan', 'merge', 'startSim']) {
    assert.match(types, new RegExp(`export declare function ${name}\\(`), `${name} is declared`);
  }
  assert.equal(import.meta.resolve('ptaload'), new URL('dist/src/index.js', `file://${ROOT}`).href);
});

test('startSim serves a tenant in-process until closed', async () => {
  const sim = await startSim({ seed: 1, agents: [] });
  try {
    const res = await fetch(`${sim.url}/${sim.tenant}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { token_endpoint: string };
    assert.equal(doc.token_endpoint, `${sim.url}/${sim.tenant}/oauth2/v2.0/token`);
  } finally {
    await sim.close();
  }
});

test('run, report and compare as calls: the same results folder the command line writes', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'api.yaml');
  await writeFile(profile, PROFILE);
  const out = join(dir, 'run');
  const lines: string[] = [];
  const result = (await run(profile, { out, log: (l) => lines.push(l) })) as SessionResult;
  assert.equal(result.kind, 'run');
  assert.equal(result.status, 'completed');
  assert.equal(result.exitCode, EXIT.ok);
  assert.equal(result.summary.requests.sent, 40);

  const rebuilt = await report(out);
  assert.equal(rebuilt.requests.completed, result.summary.requests.completed);
  assert.deepEqual(rebuilt.latencyMs, result.summary.latencyMs);

  const { comparison, files } = await compare(out, out);
  assert.equal(comparison.regression, false);
  assert.deepEqual(
    files.map((f) => f.slice(out.length + 1)),
    ['compare.md', 'compare.html'],
  );

  await assert.rejects(report(dir), (err: unknown) => err instanceof PtaloadError && err.exitCode === 2);
});

test('run checks typed options as the command line checks its flags: exit 2, naming the option, nothing written', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'api.yaml');
  await writeFile(profile, PROFILE);
  const out = join(dir, 'never');
  for (const [options, says] of [
    [{ shard: { index: 4, count: 4 } }, /^shard: expected i\/n with 0 <= i < n/],
    [{ shard: { index: -1, count: 2 } }, /^shard: /],
    [{ workers: 0 }, /^workers: expected a whole number from 1 to 64, got 0/],
    [{ connections: 1.5 }, /^connections: /],
    [{ seed: -3 }, /^seed: /],
    [{ load: { rate: Number.POSITIVE_INFINITY } }, /^load\.rate: /],
    [{ load: { agents: 41 } }, /^load\.agents: /],
  ] as const) {
    await assert.rejects(
      run(profile, { out, ...options }),
      (err: unknown) => err instanceof PtaloadError && err.exitCode === 2 && says.test(err.message),
      JSON.stringify(options),
    );
  }
  await assert.rejects(readFile(join(out, 'run.json')), 'no results folder was written');
});
