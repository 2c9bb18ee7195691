import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
