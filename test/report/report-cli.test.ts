import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Summary } from '../../src/analysis/summary.js';
import { EXIT } from '../../src/errors.js';
import { RESULTS_FILES, type RunInfo } from '../../src/results/run-info.js';
import { ResultsWriter } from '../../src/results/writer.js';
import { runCli } from '../helpers/cli.js';
import { syntheticRun } from './fixture.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ptaload-report-cli-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function folder(name: string, thresholds: string[], overrides: Partial<RunInfo> = {}): Promise<string> {
  const dir = join(root, name);
  const s = syntheticRun({
    ...overrides,
    profile: { name: 'failover', resolved: { name: 'failover', thresholds } },
  });
  const writer = await ResultsWriter.create(dir, s.run);
  for (const { record, histograms } of s.intervals) await writer.appendInterval(record, histograms);
  return dir;
}

test('`ptaload report <dir>` rebuilds summary.json, report.md and report.html from the folder alone', async () => {
  const dir = await folder('pass', ['p99 < 20s', 'throughput >= 95%']);
  const res = await runCli(['report', dir]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  assert.match(res.stdout, /thresholds: all 2 passed/);
  for (const f of [RESULTS_FILES.summary, RESULTS_FILES.markdown, RESULTS_FILES.html]) {
    assert.ok((await stat(join(dir, f))).size > 0, f);
  }
  const summary = JSON.parse(await readFile(join(dir, RESULTS_FILES.summary), 'utf8')) as Summary;
  assert.equal(summary.runId, '20261125T120000Z-failover');
  assert.equal(summary.thresholds.length, 2);
  assert.ok(summary.thresholds.every((t) => t.ok));
  assert.equal(summary.events[0]?.label, 'remove agent-2 (crash)');
});

test('a failed threshold exits 1, like the run; --json prints the summary', async () => {
  const dir = await folder('fail', ['p99 < 100ms']);
  const res = await runCli(['report', dir, '--json']);
  assert.equal(res.code, EXIT.failed, res.stderr);
  const summary = JSON.parse(res.stdout) as Summary;
  assert.equal(summary.passed, false);
  assert.equal(summary.thresholds[0]?.expression, 'p99 < 100ms');
});

test('a folder that is not a results folder exits 2 with a one-paragraph error and no stack', async () => {
  const res = await runCli(['report', root]);
  assert.equal(res.code, EXIT.badInput);
  assert.match(
    res.stderr,
    /^ptaload: .*run\.json: missing, so .* is not a ptaload results folder; give a folder written by `ptaload run`/,
  );
  assert.doesNotMatch(res.stderr, /\bat .*\.ts:\d+/);
  const missing = await runCli(['report']);
  assert.equal(missing.code, EXIT.badInput);
});

test('`ptaload report <dir> --junit FILE` writes one test case per threshold, a failure for each miss', async () => {
  const dir = await folder('junit', ['p99 < 20s', 'p99 < 100ms']);
  const file = join(root, 'ci', 'nested', 'junit.xml');
  const res = await runCli(['report', dir, '--quiet', '--junit', file]);
  assert.equal(res.code, EXIT.failed, res.stderr);
  const xml = await readFile(file, 'utf8');
  assert.equal((xml.match(/<testcase /g) ?? []).length, 2);
  assert.match(xml, /<testcase name="p99 &lt; 100ms"[^>]*>\s*<failure /);
  assert.match(xml, /<testcase name="p99 &lt; 20s"[^>]*\/>/);
});
