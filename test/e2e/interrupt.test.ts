import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as hdr from 'hdr-histogram-js';
import { spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILE = `
name: e2e-interrupt
target: { kind: sim, seed: 3 }
users: { generate: 100 }
agents: { count: 2 }
load:
  workers: 1
  phases:
    - { duration: 60s, shape: constant, rate: 80/s }
`;

async function intervalsWritten(dir: string): Promise<boolean> {
  const text = await readFile(join(dir, 'intervals.jsonl'), 'utf8').catch(() => '');
  return text.includes('\n');
}

test('Ctrl-C stops the run, keeps what was measured and marks it interrupted (exit 130)', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'long.yaml');
  await writeFile(profile, PROFILE);
  const out = join(dir, 'results');
  const child = spawnCli(['run', profile, '--out', out]);
  let stderr = '';
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  // Not a TTY: one progress line every 5 s; the first arrives once the run is under way.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no progress line; stderr: ${stderr}`)), 60_000);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (/\] phase-1: target/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // Interrupt once an interval is on disk (a condition, not a guess at how long that takes here).
  for (let i = 0; i < 600 && !(await intervalsWritten(out)); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, `exit 130 expected; stderr: ${stderr}`);
  assert.match(stdout, /ptaload interrupted/);
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');

  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'interrupted');
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'interrupted');
  assert.ok(summary.durationS < 30, 'stopped well before the 60 s schedule ended');
  assert.equal(summary.requests.sent, summary.requests.completed + summary.requests.inFlightAtEnd);

  // The interval log is complete lines a standard reader accepts, and its untagged totals (what
  // HistogramLogProcessor reads by default) hold every reply.
  const reader = new hdr.HistogramLogReader(await readFile(join(out, 'intervals.hlog'), 'utf8'));
  let count = 0;
  for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) {
    if (h.tag === 'NO TAG') count += h.totalCount;
  }
  assert.ok(count > 0);
  assert.equal(count, summary.requests.completed);
});
