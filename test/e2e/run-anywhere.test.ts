import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// The built CLI, as `npx ptaload` runs it from an installed package (npm test builds first).
const BUILT = join(ROOT, 'dist', 'src', 'cli', 'main.js');

test('`ptaload run` with no profile works from any folder: the quickstart is found beside the package', async () => {
  await stat(BUILT);
  const cwd = await tempDir();
  const child = spawn(process.execPath, [BUILT, 'run', '--out', 'here'], {
    cwd,
    env: { ...process.env, PTALOAD_DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  // Not a TTY: the first progress line means the profile was found and the run is under way.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the run did not start; stderr: ${stderr}`)), 60_000);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (/\] warm-up: target/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('close', () => reject(new Error(`exited early; stderr: ${stderr}`)));
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, stderr);
  const run = JSON.parse(await readFile(join(cwd, 'here', 'run.json'), 'utf8'));
  assert.equal(run.profile.name, 'quickstart');
  assert.equal(run.profile.path, join(ROOT, 'profiles', 'quickstart.yaml'));
});
