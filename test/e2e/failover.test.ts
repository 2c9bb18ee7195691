import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Summary } from '../../src/analysis/summary.js';
import { readResults } from '../../src/results/reader.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PTA_TIMEOUT_S = 1;
const DETECTION_S = 2;
const CRASH_AT_S = 3;
// The drain comes after the crash's last possible 80002 (3 + 2 + 1 s, plus an interval), so the two
// events' windows do not share the crash's tail.
const DRAIN_AT_S = 8;
const ADD_AT_S = 10;
const END_S = 14;

const PROFILE = `
name: e2e-failover
target: { kind: sim, seed: 11, ptaTimeout: ${PTA_TIMEOUT_S}s, detectionDelay: ${DETECTION_S}s }
users: { generate: 300 }
agents:
  count: 3
  timeline:
    - { at: ${CRASH_AT_S}s, action: remove, agent: agent-2, mode: crash }
    - { at: ${DRAIN_AT_S}s, action: remove, agent: agent-1, mode: drain }
    - { at: ${ADD_AT_S}s, action: add, agent: { name: agent-4 } }
load:
  workers: 1
  arrivals: uniform
  phases:
    - { duration: ${END_S}s, shape: constant, rate: 150/s }
`;

interface Bucket {
  startS: number;
  endS: number;
  byTag: Map<string, number>;
}

async function runOnce(
  dir: string,
  name: string,
): Promise<{ out: string; buckets: Bucket[]; summary: Summary }> {
  const out = join(dir, name);
  const res = await runCli(['run', join(dir, 'failover.yaml'), '--out', out, '--quiet']);
  assert.equal(res.code, 0, `exit 0 expected; stderr: ${res.stderr}`);
  const { intervals } = await readResults(out);
  const buckets = intervals.map(({ record, histograms }) => ({
    startS: record.startMs / 1000,
    endS: record.endMs / 1000,
    byTag: new Map([...histograms].map(([tag, h]) => [tag as string, h.totalCount])),
  }));
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
  return { out, buckets, summary };
}

const count = (b: Bucket, agent: string, outcome?: string) =>
  [...b.byTag]
    .filter(([tag]) => tag.startsWith(`${agent}/`) && (!outcome || tag.endsWith(`/${outcome}`)))
    .reduce((a, [, n]) => a + n, 0);

test('agents crash, drain and join mid-run: who served, what was lost, and when', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'failover.yaml'), PROFILE);
  const { out, buckets, summary } = await runOnce(dir, 'a');

  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.deepEqual(
    run.timeline.map((e: { action: string; ok: boolean }) => [e.action, e.ok]),
    [
      ['remove', true],
      ['remove', true],
      ['add', true],
    ],
  );

  // Crash: agent-2 serves nothing after the crash; its timeouts end by crash + detection + PTA timeout (+1 interval).
  const lastTimeoutS = CRASH_AT_S + DETECTION_S + PTA_TIMEOUT_S + 1;
  for (const b of buckets) {
    if (b.startS >= CRASH_AT_S + 1)
      assert.equal(count(b, 'agent-2', 'success'), 0, `agent-2 served at ${b.startS}s`);
    if (b.startS >= lastTimeoutS)
      assert.equal(count(b, 'agent-2'), 0, `agent-2 still in the data at ${b.startS}s`);
    // 80002 appears only in the detection window.
    const timeouts = [...b.byTag].filter(([t]) => t.endsWith('/pta_timeout')).reduce((a, [, n]) => a + n, 0);
    if (b.endS <= CRASH_AT_S || b.startS >= lastTimeoutS)
      assert.equal(timeouts, 0, `no 80002 at ${b.startS}s`);
  }
  assert.ok(summary.requests.byOutcome.pta_timeout > 0, 'the crash cost some sign-ins');
  // The others absorbed the load: the run still answered nearly everything it sent.
  assert.ok(summary.requests.byOutcome.success >= summary.requests.completed * 0.8);

  // Drain: no request lost on agent-1; it stops serving shortly after the event.
  const agent1Timeouts = buckets.reduce((a, b) => a + count(b, 'agent-1', 'pta_timeout'), 0);
  assert.equal(agent1Timeouts, 0, 'a drained agent loses nothing');
  for (const b of buckets) if (b.startS >= DRAIN_AT_S + 1) assert.equal(count(b, 'agent-1'), 0);

  // Add: once agent-4 is in, it and agent-3 (the only others) share the load; tolerance ±20 points of 50 %.
  const after = buckets.filter((b) => b.startS >= ADD_AT_S + 1 && b.endS <= END_S);
  const a4 = after.reduce((a, b) => a + count(b, 'agent-4', 'success'), 0);
  const a3 = after.reduce((a, b) => a + count(b, 'agent-3', 'success'), 0);
  assert.ok(a3 + a4 > 200, 'enough sign-ins after the add to judge');
  const share = a4 / (a3 + a4);
  assert.ok(share > 0.3 && share < 0.7, `agent-4 serves about half (got ${(share * 100).toFixed(1)} %)`);

  // The failover figures say so.
  const crash = summary.events.find((e) => e.agent === 'agent-2');
  assert.ok(crash, 'a failover entry for the crash');
  assert.ok((crash.errorsByClass.pta_timeout ?? 0) > 0);
  const lost = crash.lostAgents.find((l) => l.agent === 'agent-2');
  assert.ok(lost && lost.ptaTimeout > 0, 'requests lost on the crashed agent are counted');
  const drain = summary.events.find((e) => e.agent === 'agent-1');
  assert.ok(drain, 'a failover entry for the drain');
  assert.equal(drain.errorsByClass.pta_timeout ?? 0, 0);
  const drained = drain.lostAgents.find((l) => l.agent === 'agent-1');
  assert.equal(drained?.ptaTimeout ?? 0, 0, 'nothing lost on the drained agent');

  // Reproducible: the same seed gives the same picture within a small tolerance.
  const again = await runOnce(dir, 'b');
  const t1 = summary.requests.byOutcome.pta_timeout;
  const t2 = again.summary.requests.byOutcome.pta_timeout;
  assert.ok(Math.abs(t1 - t2) <= Math.max(20, 0.25 * t1), `lost sign-ins ${t1} vs ${t2}`);
  assert.ok(Math.abs(summary.requests.sent - again.summary.requests.sent) <= 2, 'same schedule, same count');
});
