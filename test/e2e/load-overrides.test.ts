import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CliResult, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILE = `name: overrides
target: { kind: sim, seed: 5 }
users: { generate: 300 }
agents:
  count: 3
  timeline:
    - { at: 20s, action: remove, agent: agent-3 }
load:
  workers: 1
  phases:
    - { name: up, duration: 30s, shape: ramp, from: 20/s, to: 200/s }
    - { name: flat, duration: 30s, shape: constant, rate: 200/s }
`;

async function profile(text = PROFILE): Promise<{ dir: string; path: string }> {
  const dir = await tempDir();
  const path = join(dir, 'p.yaml');
  await writeFile(path, text);
  return { dir, path };
}

function assertBadInput(res: CliResult, pattern: RegExp): void {
  assert.equal(res.code, 2, `exit 2 expected; stderr: ${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.doesNotMatch(res.stderr, /internal error/);
}

test('run --rate --duration --agents: the run plays the overridden profile, and run.json says so', async () => {
  const { dir, path } = await profile();
  const out = join(dir, 'out');
  const res = await runCli([
    'run',
    path,
    '--rate',
    '40/s',
    '--duration',
    '2s',
    '--agents',
    '4',
    '--out',
    out,
    '--quiet',
  ]);
  assert.equal(res.code, 0, res.stderr);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  const [up, flat] = run.profile.resolved.load.phases;
  assert.deepEqual([up.from, up.to, up.durationMs], [4, 40, 1000]);
  assert.deepEqual([flat.rate, flat.durationMs], [40, 1000]);
  assert.deepEqual(
    run.agents.map((a: { name: string }) => a.name),
    ['agent-1', 'agent-2', 'agent-3', 'agent-4'],
  );
  // The timeline keeps its place on the squeezed clock: 20 s of 60 s is 0.67 s of 2 s.
  assert.equal(run.timeline[0].atMs, 666.667);
  assert.equal(run.phases.at(-1).endMs, 2000);
  assert.ok(
    run.notes.some((n: string) =>
      /overridden on the command line: --rate 40\/s, --duration 2s, --agents 4/.test(n),
    ),
    run.notes.join('\n'),
  );
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  // 1 s ramping 4→40/s plus 1 s at 40/s is about 62 sign-ins; never the profile's thousands.
  assert.ok(summary.requests.sent > 20 && summary.requests.sent < 150, `sent ${summary.requests.sent}`);
});

test('run with --agents that the timeline contradicts is refused before the sim starts, naming the flag', async () => {
  const { dir, path } = await profile();
  const res = await runCli(['run', path, '--agents', '2', '--out', join(dir, 'out'), '--quiet']);
  assertBadInput(res, /timeline\[0\]\.agent: no agent named 'agent-3'[\s\S]*\(with --agents applied\)/);
});

test('validate --rate --duration --agents prints what would run, the file untouched', async () => {
  const { path } = await profile();
  const res = await runCli([
    'validate',
    path,
    '--rate',
    '100/s',
    '--duration',
    '1m',
    '--agents',
    '3',
    '--json',
  ]);
  assert.equal(res.code, 0, res.stderr);
  const p = JSON.parse(res.stdout);
  assert.deepEqual(
    p.load.phases.map((ph: { durationMs: number }) => ph.durationMs),
    [30_000, 30_000],
  );
  assert.equal(p.load.phases[1].rate, 100);
  assert.equal(p.load.phases[0].from, 10);
  const text = await runCli(['validate', path, '--duration', '6s']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /ok with --duration 6s \(the file alone runs otherwise\)/);
  assert.match(text.stdout, /2s\s+remove agent-3/);
});

test('bad override values are usage errors (exit 2) that say what is expected', async () => {
  const { path } = await profile();
  const cases: [string[], RegExp][] = [
    [['--rate', 'fast'], /--rate takes a rate like 200\/s.*got 'fast'/],
    [['--rate', '0/s'], /--rate takes .*more than 0/],
    [['--rate', '1000000000/s'], /--rate 1000000000\/s is far above any tenant.*100000\/s/],
    [['--duration', 'soon'], /--duration takes a duration like 500ms.*got 'soon'/],
    [['--duration', '0'], /--duration takes .*more than 0/],
    [['--agents', '0'], /--agents takes a whole number from 1 to 40, got '0'/],
    [['--agents', 'many'], /--agents takes a whole number/],
  ];
  for (const [flags, pattern] of cases) {
    assertBadInput(await runCli(['validate', path, ...flags]), pattern);
  }
  assertBadInput(await runCli(['run', path, '--rate', '-5/s', '--quiet']), /--rate takes/);
});
