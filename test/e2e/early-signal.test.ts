import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, spawnBuiltCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startEntraFixture } from './entra-fixture.js';

// Spawns the built CLI (npm run -s build first): a user's Ctrl-C right after pressing Enter.
const fx = await startEntraFixture(150);
const dir = await tempDir('ptaload-early-signal-');
const simProfile = join(dir, 'sim.yaml');
await writeFile(
  simProfile,
  'name: early-signal\ntarget: { kind: sim, seed: 3 }\nusers: { generate: 100 }\nagents: { count: 1 }\nload: { workers: 1, phases: [{ duration: 6s, shape: constant, rate: 50/s }] }\n',
);
const SIM_SCHEDULED = 300;
const entraProfile = await fx.profile('early-signal-entra', { duration: '6s', rate: '10/s' });
const ENTRA_SCHEDULED = 60;

const SPY = pathToFileURL(join(ROOT, 'test/helpers/signal-spy.mjs')).href;

/** Whether process `pid` listens for `signal` yet (test/helpers/signal-spy.mjs writes it down). */
async function listens(spy: string, pid: number, signal: string): Promise<boolean> {
  const text = await readFile(spy, 'utf8').catch(() => '');
  return text.split('\n').some((l) => l.includes(`"pid":${pid},`) && l.includes(`"${signal}"`));
}

/**
 * Sends `signal` `atMs` after the start. Until the program's first lines have run, no program can hear a
 * signal (Node's default ends the process), so on a loaded machine this waits at least until the CLI
 * listens; the test asserts on what happens from there, and says when the signal went.
 */
async function signalAt(
  child: ChildProcess,
  spy: string,
  atMs: number,
  signal: 'SIGINT' | 'SIGTERM',
): Promise<number> {
  const t0 = performance.now();
  while (!(await listens(spy, child.pid!, signal))) await new Promise((r) => setTimeout(r, 5));
  const wait = atMs - (performance.now() - t0);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  child.kill(signal);
  return Math.round(performance.now() - t0);
}

async function interruptedRun(
  args: string[],
  out: string,
  atMs: number,
  signal: 'SIGINT' | 'SIGTERM' = 'SIGINT',
) {
  const spy = `${out}.signals`;
  const child = spawnBuiltCli([...args, '--out', out], {
    env: { NODE_OPTIONS: `--import=${SPY}`, PTALOAD_SIGNAL_SPY: spy },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdout?.resume();
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const sentAt = await signalAt(child, spy, atMs, signal);
  const code = await closed;
  const why = `${signal} at ${sentAt} ms; stderr: ${stderr}`;
  assert.equal(code, 130, `exit 130 expected, got ${code} (${why})`);
  assert.match(stderr, /interrupted: stopping the schedule/);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'interrupted', why);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'interrupted', why);
  return { summary, why };
}

for (const atMs of [200, 500, 800]) {
  test(`sim: SIGINT ${atMs} ms after start ends the run as interrupted (exit 130), not as completed`, async () => {
    const { summary, why } = await interruptedRun(['run', simProfile], join(dir, `sim-${atMs}`), atMs);
    assert.ok(
      summary.requests.sent < SIM_SCHEDULED,
      `sent ${summary.requests.sent} of ${SIM_SCHEDULED} (${why})`,
    );
  });

  test(`entra: SIGINT ${atMs} ms after start sends fewer sign-ins than scheduled (exit 130)`, async () => {
    const before = fx.sim.counters.requests;
    const { summary, why } = await interruptedRun(['run', entraProfile], join(dir, `entra-${atMs}`), atMs);
    const reached = fx.sim.counters.requests - before;
    assert.ok(summary.requests.sent < ENTRA_SCHEDULED, `sent ${summary.requests.sent} (${why})`);
    assert.ok(reached < ENTRA_SCHEDULED, `the tenant saw ${reached} of ${ENTRA_SCHEDULED} sign-ins (${why})`);
  });
}

test('SIGTERM in the first instants is a stop too (exit 130, interrupted)', async () => {
  const { summary } = await interruptedRun(['run', simProfile], join(dir, 'sim-term'), 200, 'SIGTERM');
  assert.ok(summary.requests.sent < SIM_SCHEDULED);
});
