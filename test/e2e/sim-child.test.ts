import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// The simulator child of `ptaload run`, as the harness's own life treats it: kill -9 of the harness,
// a Ctrl-C in the terminal (to the whole process group), the simulator dying under a run.
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const dir = await tempDir('ptaload-sim-child-');
const profile = join(dir, 'long.yaml');
await writeFile(
  profile,
  'name: sim-child\ntarget: { kind: sim, seed: 3 }\nusers: { generate: 200 }\nagents: { count: 2 }\nload: { workers: 1, phases: [{ duration: 60s, shape: constant, rate: 50/s }] }\n',
);

interface Started {
  readonly cli: ChildProcess;
  readonly simPid: number;
  readonly simPort: number;
  readonly tmp: string;
  stderr(): string;
  readonly closed: Promise<number | null>;
}

/** Starts a long run in its own process group (like a shell job) and waits until it is sending. */
async function startRun(name: string): Promise<Started> {
  const tmp = join(dir, `${name}-tmp`);
  await writeFile(join(dir, `${name}.keep`), '');
  await import('node:fs/promises').then((fs) => fs.mkdir(tmp));
  const cli = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', profile, '--out', join(dir, name)], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp, PTALOAD_DEBUG: '', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  cli.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  cli.stdout?.resume();
  const closed = new Promise<number | null>((r) => cli.on('close', r));
  const deadline = Date.now() + 60_000;
  while (!/\] phase-1: target/.test(stderr)) {
    assert.ok(Date.now() < deadline, `the run never got going; stderr: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const simPid = Number(
    (await readFile(`/proc/${cli.pid}/task/${cli.pid}/children`, 'utf8')).trim().split(/\s+/)[0],
  );
  const simPort = await listeningPort(simPid);
  return { cli, simPid, simPort, tmp, stderr: () => stderr, closed };
}

/** The TCP port process `pid` listens on (Linux /proc: its socket inodes against /proc/net/tcp). */
async function listeningPort(pid: number): Promise<number> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await import('node:fs/promises')
      .then((fs) => fs.readlink(`/proc/${pid}/fd/${fd}`))
      .catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9]!)) return Number.parseInt(f[1]!.split(':')[1]!, 16);
    }
  }
  throw new Error(`process ${pid} listens on no TCP port`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

test('kill -9 of the harness takes the simulator down with it: no process, no open port, no temp folder', async () => {
  const run = await startRun('killed');
  assert.equal(alive(run.simPid), true);
  assert.equal(await refused(run.simPort), false, 'the simulator listens while the run goes');
  run.cli.kill('SIGKILL');
  await run.closed;
  assert.ok(await gone(run.simPid, 15_000), 'the simulator exited once its harness was gone');
  assert.equal(await refused(run.simPort), true, 'nothing listens on its port any more');
  const left = (await readdir(run.tmp)).filter((f) => f.startsWith('ptaload-'));
  assert.deepEqual(left, [], 'no temp folder of ours left behind (tsx keeps its own cache there)');
});

test('Ctrl-C in a terminal (SIGINT to the whole process group) stops the run without fake network errors', async () => {
  const run = await startRun('ctrl-c');
  process.kill(-run.cli.pid!, 'SIGINT');
  const code = await run.closed;
  assert.equal(code, 130, run.stderr());
  const summary = JSON.parse(await readFile(join(dir, 'ctrl-c', 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'interrupted');
  assert.equal(summary.requests.byOutcome.network_error, 0, JSON.stringify(summary.requests.byOutcome));
  assert.ok(summary.requests.byOutcome.success > 0);
  assert.ok(await gone(run.simPid, 15_000), 'the harness stopped its simulator on the way out');
});

test('the simulator dying mid-run stops the run as failed (exit 3) and says why', async () => {
  const run = await startRun('sim-died');
  process.kill(run.simPid, 'SIGKILL');
  const code = await Promise.race([
    run.closed,
    new Promise<string>((r) => setTimeout(() => r('still running 40 s later'), 40_000)),
  ]);
  if (code === 'still running 40 s later') process.kill(-run.cli.pid!, 'SIGKILL');
  assert.equal(code, 3, run.stderr());
  assert.match(run.stderr(), /the simulated tenant was killed \(SIGKILL\) in the middle of the run/);
  const summary = JSON.parse(await readFile(join(dir, 'sim-died', 'summary.json'), 'utf8'));
  assert.equal(summary.status, 'failed');
});
