import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareRuns } from '../../src/compare/compare.js';
import { renderCompareHtml } from '../../src/compare/compare-html.js';
import { renderCompareMarkdown } from '../../src/compare/compare-markdown.js';
import type { Comparison } from '../../src/compare/compare-types.js';
import { EXIT, UsageError } from '../../src/errors.js';
import { RESULTS_FILES, type RunInfo } from '../../src/results/run-info.js';
import { ResultsWriter } from '../../src/results/writer.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { syntheticRun } from '../report/fixture.js';

const root = await tempDir('ptaload-compare-cli-');

/** A results folder holding the synthetic 40 s run (the same data every time). */
async function folder(name: string, overrides: Partial<RunInfo> = {}): Promise<string> {
  const dir = join(root, name);
  const s = syntheticRun(overrides);
  const writer = await ResultsWriter.create(dir, s.run);
  for (const { record, histograms } of s.intervals) await writer.appendInterval(record, histograms);
  return dir;
}

/** One paragraph on stderr, no stack trace. */
function assertCleanError(stderr: string, pattern: RegExp): void {
  assert.match(stderr, pattern);
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.equal(
    stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('(run with --help')).length,
    1,
    stderr,
  );
}

test('two identical runs: exit 0, a table on stdout, compare.md and compare.html in --out', async () => {
  const a = await folder('same-a');
  const b = await folder('same-b');
  const out = join(root, 'out');
  const res = await runCli(['compare', a, b, '--out', out]);
  assert.equal(res.code, EXIT.ok, res.stderr);
  assert.match(res.stdout, /^ptaload compare: failover/);
  assert.match(res.stdout, /tenant\s+p50 \(typical 1 s\)\s+.*\+0 %.*ok/);
  assert.match(res.stdout, /No regression/);
  const md = await readFile(join(out, 'compare.md'), 'utf8');
  assert.match(md, /^# Comparison: failover/);
  assert.match(md, /\*\*No regression\.\*\*/);
  const html = await readFile(join(out, 'compare.html'), 'utf8');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /no regression/);
});

test('--json prints the verdict object; --agent judges one agent and leaves the tenant as context', async () => {
  const a = await folder('json-a');
  const b = await folder('json-b');
  const res = await runCli(['compare', a, b, '--json', '--agent', 'agent-3']);
  assert.equal(res.code, EXIT.ok, res.stderr);
  const c = JSON.parse(res.stdout) as Comparison;
  assert.equal(c.compareVersion, 1);
  assert.equal(c.regression, false);
  assert.equal(c.agent, 'agent-3');
  assert.equal(c.tenant.judged, false);
  assert.deepEqual(
    c.agents.filter((s) => s.judged).map((s) => s.label),
    ['agent-3'],
  );
  assert.deepEqual(c.rules.maxP99Increase, 0.1);
  // Written next to the candidate by default.
  assert.match(await readFile(join(b, 'compare.md'), 'utf8'), /agent agent-3 only/);
});

test('bad input exits 2 with one paragraph naming the problem and the fix', async () => {
  const good = await folder('good');
  const notResults = await runCli(['compare', root, good]);
  assert.equal(notResults.code, EXIT.badInput);
  assertCleanError(notResults.stderr, /run\.json: missing, so .* is not a ptaload results folder/);

  const broken = await folder('no-hlog');
  await rm(join(broken, RESULTS_FILES.hlog));
  const missing = await runCli(['compare', good, broken]);
  assert.equal(missing.code, EXIT.badInput);
  assertCleanError(missing.stderr, /intervals\.hlog: missing; the results folder is incomplete/);

  const lots = await runCli(['compare', good, good, '--max-p99-increase', 'lots']);
  assert.equal(lots.code, EXIT.badInput);
  assert.match(lots.stderr, /--max-p99-increase takes a percentage like 10%.*got 'lots'/);

  await assert.rejects(
    compareRuns({ baselineDir: good, candidateDir: good, agent: 'agent-9' }),
    (err: unknown) =>
      err instanceof UsageError &&
      err.exitCode === EXIT.badInput &&
      /--agent agent-9: no agent of that name .* agent-1, agent-2, agent-3, agent-4\)\. Give one/.test(
        err.message,
      ),
  );
});

test('runs of different profiles are refused unless --force, which compares them with a warning', async () => {
  const a = await folder('profile-a');
  const other = await folder('profile-b', { profile: { name: 'other', resolved: { name: 'other' } } });
  const refused = await runCli(['compare', a, other]);
  assert.equal(refused.code, EXIT.badInput);
  assertCleanError(refused.stderr, /runs of different tests: profile 'failover' vs 'other'.*--force/);

  const forced = await runCli(['compare', a, other, '--force']);
  assert.equal(forced.code, EXIT.ok, forced.stderr);
  assert.match(
    forced.stderr,
    /warning: Compared despite different tests \(--force\): profile 'failover' vs 'other'/,
  );
  assert.match(await readFile(join(other, 'compare.md'), 'utf8'), /## Warnings[\s\S]*--force/);
});

test('names and notes from a results folder are escaped in compare.html and compare.md', async () => {
  const a = await folder('xss-a');
  const b = await folder('xss-b');
  const c = await compareRuns({ baselineDir: a, candidateDir: b });
  const evil = '<img src=x onerror=alert(1)>|*x*';
  const hostile: Comparison = {
    ...c,
    headline: evil,
    agents: c.agents.map((s) => ({ ...s, label: evil, baseline: { ...s.baseline, site: evil } })),
    notes: [evil],
  };
  const html = renderCompareHtml(hostile);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  const md = renderCompareMarkdown(hostile);
  assert.doesNotMatch(md, /(^|[^\\])<img/, 'markup is escaped as \\<');
  assert.match(md, /\\\|\\\*x\\\*/);
});
