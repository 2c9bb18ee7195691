import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TargetError } from '../../errors.js';

/** The ready line `ptaload sim` prints on stdout. */
interface SimReady {
  readonly url: string;
  readonly tenant: string;
  readonly domain: string;
  readonly clientId: string;
  readonly adminToken: string;
  readonly caFile: string | null;
}

export interface SimProcess {
  readonly ready: SimReady;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(
  new URL(`../../cli/main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const READY_TIMEOUT_MS = 30_000;

/**
 * Starts the simulated tenant as a child process (its own event loop, so it never competes with the
 * generator) and waits for its ready line.
 */
export function startSimProcess(args: readonly string[], log: (line: string) => void): Promise<SimProcess> {
  const child = spawn(process.execPath, [...process.execArgv, MAIN, 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PTALOAD_DEBUG: '' },
  });
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
        resolve({ ready, stop: () => stopChild(child) });
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
