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
