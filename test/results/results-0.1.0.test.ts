import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Summary } from '../../src/analysis/summary.js';
import { compare, merge, plan, report } from '../../src/index.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Folders exactly as ptaload 0.1.0 wrote them (see test/fixtures/results-0.1.0/README.md). */
const FIXTURE = join(ROOT, 'test', 'fixtures', 'results-0.1.0');

/** The commands write beside what they read, so each test works on a copy. */
async function copy(): Promise<string> {
  const dir = await tempDir();
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

const json = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

test('report rebuilds a 0.1.0 folder to the figures 0.1.0 wrote, timeline event included', async () => {
  const dir = await copy();
  const shard = join(dir, 'shard-0');
  const written = await json<Summary>(join(shard, 'summary.json'));
  const rebuilt = await report(shard);
  assert.equal(rebuilt.status, 'completed');
  assert.deepEqual(rebuilt.requests, written.requests);
  assert.deepEqual(rebuilt.latencyMs, written.latencyMs);
  assert.deepEqual(
    rebuilt.thresholds.map((t) => [t.expression, t.ok]),
    written.thresholds.map((t) => [t.expression, t.ok]),
  );
  assert.deepEqual(
    rebuilt.events.map((e) => [e.label, e.affectedAgents, e.requests]),
    written.events.map((e) => [e.label, e.affectedAgents, e.requests]),
  );
  assert.equal(rebuilt.events[0]!.label, 'remove agent-3 (drain)');
});

test('compare judges two 0.1.0 folders', async () => {
  const dir = await copy();
  const { comparison, files } = await compare(join(dir, 'shard-0'), join(dir, 'shard-1'));
  assert.equal(comparison.regression, false);
  assert.equal(files.length, 2);
  assert.ok(
    comparison.warnings.some((w) => /too short to judge/i.test(w)),
    comparison.warnings.join('\n'),
  );
});

test('merge adds the two 0.1.0 shards exactly', async () => {
  const dir = await copy();
  const parts = await Promise.all(
    ['shard-0', 'shard-1'].map((s) => json<Summary>(join(dir, s, 'summary.json'))),
  );
  const { summary } = await merge([join(dir, 'shard-0'), join(dir, 'shard-1')], join(dir, 'merged'));
  assert.equal(summary.requests.sent, parts[0]!.requests.sent + parts[1]!.requests.sent);
  assert.equal(summary.requests.completed, parts[0]!.requests.completed + parts[1]!.requests.completed);
  for (const outcome of ['success', 'pta_timeout'] as const) {
    assert.equal(
      summary.requests.byOutcome[outcome],
      parts[0]!.requests.byOutcome[outcome] + parts[1]!.requests.byOutcome[outcome],
    );
  }
});

test('plan reads a 0.1.0 sweep: one knee per agent count, from the folders sweep.json lists', async () => {
  const dir = await copy();
  const sweep = join(dir, 'sweep');
  const index = await json<{ runs: { agents: number; dir: string }[] }>(join(sweep, 'sweep.json'));
  const { plan: doc, files } = await plan([sweep], { peakPerS: 30 });
  assert.deepEqual(
    doc.counts.map((c) => c.agents),
    index.runs.map((r) => r.agents),
  );
  for (const c of doc.counts) {
    assert.ok(c.kneePerS !== null && c.kneePerS > 0, `${c.agents} agent(s): ${c.status} ${c.why}`);
    assert.ok(c.runs.some((r) => r.endsWith(index.runs.find((x) => x.agents === c.agents)!.dir)));
  }
  // The simulator's agents were configured for 40/s: a knee above that would be read wrongly.
  assert.ok(doc.counts[0]!.kneePerS! <= 40, `1-agent knee ${doc.counts[0]!.kneePerS}/s`);
  assert.deepEqual(
    files.map((f) => f.slice(sweep.length + 1)),
    ['plan.json', 'plan.md', 'plan.html'],
  );
});
