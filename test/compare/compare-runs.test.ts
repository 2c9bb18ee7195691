import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { compareSamples } from '../../src/compare/compare.js';
import { readRunSamples, selectSlots } from '../../src/compare/compare-samples.js';
import { type Comparison, DEFAULT_RULES } from '../../src/compare/compare-types.js';
import { EXIT } from '../../src/errors.js';
import { openResults } from '../../src/results/reader.js';
import { RESULTS_FILES } from '../../src/results/run-info.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Real runs against the embedded simulator: two of the same seeded profile, and one where agent-3 runs a
 * version the simulator makes 30 % slower (only its version label differs, as after a real upgrade).
 * Service times (~130 ms) dwarf the machine's own jitter; 8 s in 0.25 s intervals gives 32 intervals.
 */
const profile = (agent3Version: string) => `
name: compare-e2e
target: { kind: sim, seed: 11 }
users: { generate: 2000 }
agents:
  list:
    - { name: agent-1, version: "1.0", cores: 16, capacity: 120/s }
    - { name: agent-2, version: "1.0", cores: 16, capacity: 120/s }
    - { name: agent-3, version: "${agent3Version}", cores: 16, capacity: 120/s }
  versions:
    "2.0": { slowFactor: 1.3 }
load:
  workers: 1
  interval: 250ms
  arrivals: uniform
  phases:
    - { name: steady, duration: 8s, shape: constant, rate: 216/s }
`;

const dir = await tempDir('ptaload-compare-runs-');
const same1 = join(dir, 'same-1');
const same2 = join(dir, 'same-2');
const slower = join(dir, 'slower');

before(async () => {
  await writeFile(join(dir, 'before.yaml'), profile('1.0'));
  await writeFile(join(dir, 'after.yaml'), profile('2.0'));
  // One at a time: two runs sharing two cores would disturb each other's latencies.
  for (const [file, out] of [
    ['before.yaml', same1],
    ['before.yaml', same2],
    ['after.yaml', slower],
  ] as const) {
    const res = await runCli(['run', join(dir, file), '--out', out, '--quiet']);
    assert.equal(res.code, EXIT.ok, `run ${file}: ${res.stderr}`);
  }
});

test('two seeded runs of the same profile: no regression, exit 0, both ways round', async () => {
  const res = await runCli(['compare', same1, same2]);
  assert.equal(res.code, EXIT.ok, `${res.stdout}\n${res.stderr}`);
  assert.match(res.stdout, /No regression \(tenant-wide no regression; 3 agents judged, none regressed\)/);
  const back = await runCli(['compare', same2, same1, '--json', '--out', join(dir, 'back')]);
  assert.equal(back.code, EXIT.ok, back.stderr);
  const c = JSON.parse(back.stdout) as Comparison;
  assert.equal(c.regression, false);
  // Not vacuous: the p50s were judged, tenant-wide and for each agent.
  for (const s of [c.tenant, ...c.agents]) {
    assert.notEqual(s.metrics.find((m) => m.metric === 'p50')?.status, 'not-judged', s.label);
  }
});

test('false alarms: halves of one run (even vs odd intervals) never differ, 18 comparisons', async () => {
  // Both halves share the machine's ups and downs, so any regression found here would be the method's
  // own false alarm, not a difference between runs.
  let compared = 0;
  let judged = 0;
  for (const run of [same1, same2, slower]) {
    const s = await readRunSamples(await openResults(run), Number.POSITIVE_INFINITY);
    const even = selectSlots(s, (i) => i % 2 === 0);
    const odd = selectSlots(s, (i) => i % 2 === 1);
    for (const seed of [1, 2, 3]) {
      for (const [b, c] of [
        [even, odd],
        [odd, even],
      ] as const) {
        const r = compareSamples(b, c, {
          baselineDir: `${run} (even)`,
          candidateDir: `${run} (odd)`,
          rules: { ...DEFAULT_RULES, seed },
        });
        compared++;
        judged += [r.tenant, ...r.agents]
          .flatMap((x) => x.metrics)
          .filter((m) => m.status !== 'not-judged').length;
        assert.equal(r.regression, false, `${run} seed ${seed}: ${r.headline}`);
      }
    }
  }
  assert.equal(compared, 18);
  assert.ok(judged >= 18 * 8, `figures were judged (${judged})`);
});

test('one agent on a 30 % slower version: regression on that agent (exit 1), tenant verdict stated', async () => {
  const res = await runCli(['compare', same1, slower, '--json']);
  assert.equal(res.code, EXIT.failed, res.stderr);
  const c = JSON.parse(res.stdout) as Comparison;
  assert.equal(c.regression, true);
  const byName = new Map(c.agents.map((a) => [a.label, a]));
  const slow = byName.get('agent-3')!;
  assert.equal(slow.regression, true);
  assert.equal(slow.matchedBy, 'name');
  assert.deepEqual([slow.baseline.version, slow.candidate.version], ['1.0', '2.0']);
  const p50 = slow.metrics.find((m) => m.metric === 'p50')!;
  assert.equal(p50.status, 'regression', p50.rule);
  assert.ok(p50.ci![0] > 0.1, p50.rule);
  assert.match(
    p50.rule,
    /^p50 \(typical [\d.]+ s\) \+\d+ % \(95 % CI \+\d+…\+\d+ %\) > \+10 % allowed → regression$/,
  );
  assert.equal(byName.get('agent-1')!.regression, false);
  assert.equal(byName.get('agent-2')!.regression, false);
  assert.equal(c.tenant.judged, true);
  // A third of the sign-ins 30 % slower can lift the tenant's p99 past +10 % too: then it is named first.
  assert.match(
    c.headline,
    /^REGRESSION: (tenant: p99 [^;]*; )?agent-3: p50 .*\. Tenant-wide: (no )?regression\.$/,
  );
  assert.ok(c.notes.includes('agent-3: version 1.0 → 2.0.'));
  assert.match(
    await readFile(join(slower, 'compare.md'), 'utf8'),
    /### agent-3 \(1\.0 → 2\.0\): \*\*REGRESSION\*\*/,
  );
});

test('an interrupted run is compared over the span both runs covered, with a warning', async () => {
  const cut = join(dir, 'interrupted');
  await cp(same2, cut, { recursive: true });
  await truncateRun(cut, 4500);
  const res = await runCli(['compare', same1, cut]);
  assert.equal(res.code, EXIT.ok, `${res.stdout}\n${res.stderr}`);
  assert.match(
    res.stderr,
    /warning: The candidate run was interrupted after 4\.5 s; both runs are compared over their first 4\.5 s only/,
  );
  assert.match(res.stdout, /baseline .*18 intervals of 0\.25 s/);
  const md = await readFile(join(cut, 'compare.md'), 'utf8');
  assert.match(md, /## Warnings\n\n- The candidate run was interrupted/);
});

/** What Ctrl-C at `ms` leaves: the records and histograms of the intervals before it, run.json marked interrupted. */
async function truncateRun(folder: string, ms: number): Promise<void> {
  const runFile = join(folder, RESULTS_FILES.run);
  const run = JSON.parse(await readFile(runFile, 'utf8'));
  await writeFile(runFile, JSON.stringify({ ...run, status: 'interrupted' }));
  const jsonl = join(folder, RESULTS_FILES.intervals);
  const records = (await readFile(jsonl, 'utf8')).split('\n').filter((l) => l && JSON.parse(l).startMs < ms);
  await writeFile(jsonl, `${records.join('\n')}\n`);
  const hlog = join(folder, RESULTS_FILES.hlog);
  const lines = (await readFile(hlog, 'utf8')).split('\n').filter((l) => {
    const m = /^Tag=[^,]*,([\d.]+),/.exec(l);
    return l !== '' && (!m || Number(m[1]) * 1000 < ms);
  });
  await writeFile(hlog, `${lines.join('\n')}\n`);
}
