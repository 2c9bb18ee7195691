import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { generateUsers } from '../../src/users/generate.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILE = `
name: e2e-small
description: two agents, a short ramp and a constant stretch
target: { kind: sim, seed: 7 }
users: { generate: 200, wrongPasswordShare: 5% }
agents: { count: 2 }
load:
  workers: 2
  interval: 1s
  arrivals: poisson
  phases:
    - { duration: 1s, shape: ramp, from: 20/s, to: 120/s }
    - { duration: 2s, shape: constant, rate: 120/s }
thresholds:
  - "p99 < 5s"
  - "rate(pta_unavailable) < 1%"
`;

interface Lat {
  count: number;
  p50: number | null;
  p99: number | null;
}

test('a run against the simulated tenant writes a consistent results folder', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'e2e.yaml');
  await writeFile(profile, PROFILE);
  const out = join(dir, 'results');
  const res = await runCli(['run', profile, '--out', out, '--quiet']);
  assert.equal(res.code, 0, `exit 0 expected; stderr: ${res.stderr}`);
  assert.match(res.stdout, /ptaload completed/);

  const files = await readdir(out);
  for (const f of [
    'run.json',
    'intervals.hlog',
    'timeseries.csv',
    'summary.json',
    'report.md',
    'report.html',
  ]) {
    assert.ok(files.includes(f), `${f} written`);
  }
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'completed');
  // Absolute UTC times in the CSV sit on the run's clock: the first interval starts at time zero.
  const csv = (await readFile(join(out, 'timeseries.csv'), 'utf8')).trim().split('\n');
  const head = csv[0]!.split(',');
  const firstStart = Date.parse(csv[1]!.split(',')[head.indexOf('utc_start')]!);
  assert.ok(
    Math.abs(firstStart - run.startEpochMs) < 1000,
    `utc_start ${new Date(firstStart).toISOString()} is the run's start ${new Date(run.startEpochMs).toISOString()}`,
  );
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));

  // Counts add up: every request sent was answered or was still in flight at the stop.
  assert.equal(summary.requests.sent, summary.requests.completed + summary.requests.inFlightAtEnd);
  assert.ok(summary.requests.sent > 100, `a few hundred requests expected, got ${summary.requests.sent}`);
  const byOutcome = Object.values(summary.requests.byOutcome as Record<string, number>).reduce(
    (a, b) => a + b,
    0,
  );
  assert.equal(byOutcome, summary.requests.completed);
  // Deliberately wrong passwords come back as invalid credentials, served by an agent.
  assert.ok(summary.requests.byOutcome.invalid_credentials > 0);

  // Per-agent counts sum to the tenant count, and both agents served.
  const agents = summary.latencyMs.agents as Record<string, Lat>;
  assert.deepEqual(Object.keys(agents).sort(), ['agent-1', 'agent-2']);
  const perAgent = Object.values(agents).reduce((a, l) => a + l.count, 0);
  assert.equal(perAgent, summary.latencyMs.tenant.count);
  assert.equal(summary.latencyMs.tenant.count, summary.requests.completed);

  // The interval log, read back with HdrHistogram's own reader, holds exactly the replies: once in the
  // untagged tenant-wide totals (HistogramLogProcessor's default), once across the agent/outcome tags.
  const hlog = await readFile(join(out, 'intervals.hlog'), 'utf8');
  const reader = new hdr.HistogramLogReader(hlog);
  const total = hdr.build({ bitBucketSize: 64 });
  let tagged = 0;
  let h = reader.nextIntervalHistogram();
  while (h) {
    if (h.tag === 'NO TAG') total.add(h);
    else tagged += h.totalCount;
    h = reader.nextIntervalHistogram();
  }
  assert.equal(total.totalCount, summary.requests.completed);
  assert.equal(tagged, summary.requests.completed);
  const p99FromLog = total.getValueAtPercentile(99) / 1000;
  assert.ok(
    Math.abs(p99FromLog - summary.latencyMs.tenant.p99) <= Math.max(0.01, p99FromLog * 0.002),
    `summary p99 ${summary.latencyMs.tenant.p99} agrees with the log (${p99FromLog})`,
  );

  assert.equal(summary.thresholds.length, 2);
  assert.ok(summary.thresholds.every((t: { ok: boolean }) => t.ok));

  // No password of any test user reaches any file of the results folder.
  const users = generateUsers({ count: 200, domain: 'contoso.test', seed: 7 });
  for (const f of files) {
    const text = await readFile(join(out, f), 'utf8');
    for (const u of users.slice(0, 50)) assert.ok(!text.includes(u.password), `no password in ${f}`);
  }
});
