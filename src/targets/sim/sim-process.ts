import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TargetError } from '../../errors.js';
import type { SimLaunch, SimReady } from '../../protocol/sim-launch.js';

export interface SimProcess {
  readonly ready: SimReady;
  stop(): Promise<void>;
  /** Why the simulator is gone when nobody stopped it (it crashed or was killed mid-run), else undefined. */
  died(): string | undefined;
}

/** The simulator's own entry: a program apart from the harness, so the child loads nothing of the command line. */
const SIM_MAIN = fileURLToPath(
  new URL(`../../sim/main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const READY_TIMEOUT_MS = 30_000;

/**
 * Starts the simulated tenant as a child process (its own event loop, so it never competes with the
 * generator), hands it its launch options on stdin (passwords go through the pipe, never to disk or the
 * command line) and waits for its ready line. It runs in its own process group, so a Ctrl-C in the
 * terminal reaches only the harness, which then stops it after the replies in flight; and it holds an IPC
 * channel to us, whose end it takes as its own, so it exits when the harness is gone, even by kill -9.
 */
export function startSimProcess(launch: SimLaunch, log: (line: string) => void): Promise<SimProcess> {
  const child = spawn(process.execPath, [...process.execArgv, SIM_MAIN], {
    stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    detached: true,
    env: { ...process.env, PTALOAD_DEBUG: '' },
  });
  // The channel is only a lifeline: it must not keep the harness running.
  child.channel?.unref();
  let stopping = false;
  let died: string | undefined;
  // A child that dies before reading its options closes the pipe; its exit says why, not the write.
  child.stdin?.on('error', () => {});
  child.stdin?.end(JSON.stringify(launch));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
    for (const line of d.split('\n')) if (line.trim()) log(line);
  });
  return new Promise<SimProcess>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new TargetError(
          'TARGET_UNREACHABLE',
          `the simulated tenant did not start within ${READY_TIMEOUT_MS / 1000} s. Its last words: ${stderr.trim() || '(none)'}`,
        ),
      );
    }, READY_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(
        new TargetError(
          'TARGET_MISCONFIGURED',
          `the simulated tenant exited (code ${code}) before it was ready: ${stderr.trim().replace(/^ptaload: /, '') || '(no message)'}`,
        ),
      );
    };
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      try {
        const ready = JSON.parse(buffer.slice(0, nl)) as SimReady;
        child.once('exit', (code, signal) => {
          if (stopping) return;
          const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
          died = `the simulated tenant ${how} in the middle of the run, so every sign-in after that would fail for a reason that is not the tenant's. Its last words: ${stderr.trim().split('\n').slice(-3).join(' / ') || '(none)'}`;
        });
        resolve({
          ready,
          stop: () => {
            stopping = true;
            return stopChild(child);
          },
          died: () => died,
        });
      } catch {
        child.kill('SIGKILL');
        reject(
          new TargetError(
            'TARGET_MISCONFIGURED',
            `the simulated tenant printed an unreadable ready line: ${buffer.slice(0, 200)}`,
          ),
        );
      }
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
