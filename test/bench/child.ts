import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/targets/sim/sim-process.js';

/** Starts a TypeScript script in a child process (through tsx) and resolves with the first line it prints. */
export function startChild(
  script: URL,
  args: readonly string[] = [],
): Promise<{ line: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`child ${script.pathname} exited early (${code})`)));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) resolve({ line: buffer.slice(0, nl), child });
    });
  });
}

/** The trivial token endpoint (trivial-endpoint.ts) in a child process. */
export async function startTrivialEndpoint(): Promise<{ origin: string; stop: () => Promise<void> }> {
  const { line, child } = await startChild(new URL('./trivial-endpoint.ts', import.meta.url));
  return { origin: `http://127.0.0.1:${line.trim()}`, stop: () => stopChild(child) };
}

/** Successive stdout lines of a child, one per call. */
export function lineReader(child: ChildProcess): () => Promise<string> {
  const queued: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const w = waiting.shift();
      if (w) w(line);
      else queued.push(line);
    }
  });
  return () =>
    new Promise((resolve, reject) => {
      const line = queued.shift();
      if (line !== undefined) return resolve(line);
      if (child.exitCode !== null) return reject(new Error(`bench child exited (${child.exitCode})`));
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`bench child exited (${code})`)));
    });
}
