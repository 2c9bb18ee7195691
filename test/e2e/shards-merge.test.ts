import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import type { Summary } from '../../src/analysis/summary.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILE = `
name: e2e-shards
target: { kind: sim, seed: 4 }
users: { generate: 400 }
agents: { count: 2 }
load:
  workers: 1
  arrivals: uniform
  phases:
    - { duration: 3s, shape: constant, rate: 100/s }
`;

async function hlogTotal(dir: string): Promise<hdr.Histogram> {
  const reader = new hdr.HistogramLogReader(await readFile(join(dir, 'intervals.hlog'), 'utf8'));
  const total = hdr.build({ bitBucketSize: 64 });
  // The untagged line of each interval is its tenant-wide total (the tagged ones split it by agent/outcome).
  for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) {
    if (h.tag === 'NO TAG') total.add(h);
  }
  return total;
}

interface IntervalRow {
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly targetRate: number;
}

async function intervalRecords(dir: string): Promise<IntervalRow[]> {
  const text = await readFile(join(dir, 'intervals.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as IntervalRow);
}

test('two shards of one run merge into one exact results folder', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'p.yaml');
  await writeFile(profile, PROFILE);
  const shards = [join(dir, 's0'), join(dir, 's1')];
  const runs = await Promise.all(
    shards.map((out, i) =>
      runCli([
        'run',
        profile,
        '--shard',
        `${i}/2`,
        '--barrier',
        join(dir, 'barrier'),
        '--barrier-lead',
        '1s',
        '--out',
        out,
        '--quiet',
      ]),
    ),
  );
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const parts = await Promise.all(
    shards.map(async (s) => JSON.parse(await readFile(join(s, 'summary.json'), 'utf8')) as Summary),
  );
  // Each shard sent half of the schedule (disjoint halves of one arrival sequence).
  for (const p of parts)
    assert.ok(Math.abs(p.requests.sent - 150) <= 2, `a shard sends ~150, got ${p.requests.sent}`);

  const merged = join(dir, 'merged');
  const res = await runCli(['merge', ...shards, '--out', merged]);
  assert.equal(res.code, 0, res.stderr);
  const summary = JSON.parse(await readFile(join(merged, 'summary.json'), 'utf8')) as Summary;
  assert.equal(summary.requests.sent, parts[0]!.requests.sent + parts[1]!.requests.sent);
  assert.equal(summary.requests.completed, parts[0]!.requests.completed + parts[1]!.requests.completed);
  // Target rates add up, interval by interval: the schedule's arithmetic, not how fast this machine kept it.
  const [own0, own1, mergedRows] = await Promise.all([shards[0]!, shards[1]!, merged].map(intervalRecords));
  const inPhase = (r: IntervalRow) => r.endMs - r.startMs === 1000 && r.endMs <= 3000;
  const whole = [...own0!, ...own1!].filter(inPhase);
  assert.ok(whole.length >= 4, `each shard has whole intervals inside the phase (${whole.length})`);
  for (const r of whole)
    assert.ok(Math.abs(r.targetRate - 50) < 1e-9, `a shard plans half of 100/s: ${r.targetRate}`);
  for (const m of mergedRows!) {
    const sum = [...own0!, ...own1!].filter((r) => r.index === m.index).reduce((a, r) => a + r.targetRate, 0);
    assert.ok(
      Math.abs(m.targetRate - sum) < 1e-9,
      `interval ${m.index}: merged ${m.targetRate}, shards ${sum}`,
    );
  }

  // Percentiles of the merged folder are those of all replies together, not an average of the shards'.
  const all = await hlogTotal(shards[0]!);
  all.add(await hlogTotal(shards[1]!));
  assert.equal((await hlogTotal(merged)).totalCount, all.totalCount);
  assert.ok(Math.abs(summary.latencyMs.tenant.p99! - all.getValueAtPercentile(99) / 1000) < 0.01);
});

test('merge refuses folders of different profiles without --force, exit 2', async () => {
  const dir = await tempDir();
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  await writeFile(join(dir, 'a.yaml'), PROFILE);
  await writeFile(join(dir, 'b.yaml'), PROFILE.replace('e2e-shards', 'other-profile'));
  assert.equal((await runCli(['run', join(dir, 'a.yaml'), '--out', a, '--quiet'])).code, 0);
  assert.equal((await runCli(['run', join(dir, 'b.yaml'), '--out', b, '--quiet'])).code, 0);
  const res = await runCli(['merge', a, b, '--out', join(dir, 'm')]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /--force/);
  const notResults = await runCli(['merge', a, dir, '--out', join(dir, 'm2')]);
  assert.equal(notResults.code, 2);
  assert.match(notResults.stderr, /run\.json/);
});
