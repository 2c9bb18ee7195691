import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import type { Summary } from '../../src/analysis/summary.js';
import type { RunInfo } from '../../src/results/run-info.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startEntraFixture } from './entra-fixture.js';

const SHARDS = 3;

/** What the kubelet does to a container's args: `$(VAR)` from the container's env. */
function expand(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m));
}

const readJson = async <T>(path: string) => JSON.parse(await readFile(path, 'utf8')) as T;

test('the Indexed Job, done by hand: shards started seconds apart meet at the barrier and merge into one run', async () => {
  const fx = await startEntraFixture(200);
  const profile = await fx.profile('kube-e2e', { rate: '12/s', duration: '5s', arrivals: 'uniform' });
  // Uniform: every n-th arrival per shard, so the shards' totals must equal the unsharded run's exactly
  // (Poisson shares are independent streams of the same rate: equal in distribution only).
  const rendered = await runCli([
    'kube',
    profile,
    '--shards',
    String(SHARDS),
    '--image',
    'ptaload:test',
    '--run-id',
    'e2e-1',
    '--results-claim',
    'pvc',
  ]);
  assert.equal(rendered.code, 0, rendered.stderr);
  const [, job, mergeJob] = parseAllDocuments(rendered.stdout).map((d) => d.toJS()) as Record<string, any>[];
  const results = await tempDir();
  // The pod's mounts, on this machine: the profile's ConfigMap and Secret are the fixture's folder.
  const local = (args: string[]) =>
    args.map((a) => a.replace('/etc/ptaload/profile', fx.dir).replace(/^\/results/, results));

  const shardArgs = job!.spec.template.spec.containers[0].args as string[];
  const started = Array.from({ length: SHARDS }, async (_, i) => {
    await sleep(i * 1500); // pods are scheduled seconds apart
    const env = { JOB_COMPLETION_INDEX: String(i) };
    return runCli(local(expand(shardArgs, env)), { env, timeoutMs: 60_000 });
  });
  const baseline = join(results, 'unsharded');
  const runs = await Promise.all(started);
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const one = await runCli(['run', profile, '--out', baseline, '--quiet']);
  assert.equal(one.code, 0, one.stderr);

  const shardRuns = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) =>
      readJson<RunInfo>(join(results, 'e2e-1', `shard-${i}`, 'run.json')),
    ),
  );
  // One time zero for all: interval k of every shard covers the same schedule second.
  assert.equal(new Set(shardRuns.map((r) => r.startEpochMs)).size, 1, 'identical time zeros');
  assert.ok(shardRuns.every((r) => r.runId === 'e2e-1' && r.shard?.count === SHARDS));

  const mergeArgs = local(mergeJob!.spec.template.spec.containers[0].args as string[]);
  const merged = await runCli(mergeArgs);
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stderr, /shards aligned: time zeros within 0 ms of each other \(tolerance 50 ms\)/);
  const m = await readJson<Summary>(join(results, 'e2e-1', 'merged', 'summary.json'));
  const b = await readJson<Summary>(join(baseline, 'summary.json'));
  assert.ok(b.requests.sent > 40, `the baseline sent its schedule (${b.requests.sent})`);
  assert.equal(m.requests.sent, b.requests.sent, 'the shards sent exactly the unsharded schedule');
  assert.equal(m.requests.completed, b.requests.completed);

  const shard = (i: number) => join(results, 'e2e-1', `shard-${i}`);
  const twice = await runCli(['merge', shard(0), shard(1), shard(1), '--out', join(results, 'm2')]);
  assert.equal(twice.code, 2, twice.stderr);
  assert.match(twice.stderr, /shard-1 .*given twice/);

  // A shard of another run (its own run id), started on its own.
  const foreignDir = join(results, 'foreign');
  const foreign = await runCli([
    'run',
    profile,
    '--shard',
    `2/${SHARDS}`,
    '--run-id',
    'other-run',
    '--out',
    foreignDir,
    '--quiet',
  ]);
  assert.equal(foreign.code, 0, foreign.stderr);
  const mixed = await runCli(['merge', shard(0), shard(1), foreignDir, '--out', join(results, 'm3')]);
  assert.equal(mixed.code, 2, mixed.stderr);
  assert.match(mixed.stderr, /belongs to run 'other-run'.*a shard from another run/);

  // A missing shard: the merge is partial, says which, and cannot pass.
  const partial = await runCli(['merge', shard(0), shard(2), '--out', join(results, 'm4')]);
  assert.equal(partial.code, 1, partial.stderr);
  assert.match(partial.stderr, /partial merge: shard 1 of 3 missing/);
  const p = await readJson<Summary>(join(results, 'm4', 'summary.json'));
  assert.equal(p.passed, false);
  assert.ok(p.notes.some((n) => /Partial: shard 1 of 3 missing/.test(n)));
});
