import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** Runs the CLI with its stdout closed from the start, as `ptaload … | head` does once head has its lines. */
async function withStdoutClosed(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawnCli(args);
  child.stdout?.destroy();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

test('help into a reader that has gone (ptaload run --help | head) exits 0, not as an internal error', async () => {
  for (const args of [['run', '--help'], ['--help'], ['plan', '--help']]) {
    const { code, stderr } = await withStdoutClosed(args);
    assert.equal(code, 0, `${args.join(' ')}: ${stderr}`);
    assert.doesNotMatch(stderr, /internal error/);
  }
});

test('a run whose stdout reader has gone still runs to the end and writes its results folder', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'p.yaml');
  await writeFile(
    profile,
    'name: closed-stdout\nusers: { generate: 20 }\nload:\n  workers: 1\n  phases:\n    - { duration: 1s, shape: constant, rate: 20/s }\n',
  );
  const out = join(dir, 'run');
  const { code, stderr } = await withStdoutClosed(['run', profile, '--out', out, '--quiet']);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /internal error/);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'completed');
  await readFile(join(out, 'report.html'), 'utf8');
});
