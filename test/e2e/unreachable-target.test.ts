import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeUsersCsv } from '../../src/users/csv.js';
import { generateUsers } from '../../src/users/generate.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A target that is not there: every sign-in a network error, not one reply. The run stops as failed with
// exit 3 and one paragraph naming the URL and what to check, not exit 0 or 1 over a folder of errors.
const dir = await tempDir('ptaload-unreachable-');
await writeUsersCsv(join(dir, 'users.csv'), generateUsers({ count: 60, domain: 'contoso.test', seed: 2 }));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function profileAt(name: string, port: number): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(
    path,
    `name: ${name}
target:
  kind: entra
  tenant: 8eaef023-2b34-4da1-9baa-8bc8c9d6a490
  clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa
  authorityHost: https://127.0.0.1:${port}
users: { file: users.csv, wrongPasswordShare: 0 }
load:
  workers: 1
  interval: 500ms
  phases:
    - { duration: 20s, shape: constant, rate: 4/s }
`,
  );
  return path;
}

async function assertUnreachable(name: string, port: number): Promise<void> {
  const out = join(dir, `${name}-out`);
  const res = await runCli(['run', await profileAt(name, port), '--out', out, '--quiet'], {
    timeoutMs: 60_000,
  });
  assert.equal(res.code, 3, `exit 3 expected; stderr: ${res.stderr}`);
  assert.match(
    res.stderr,
    new RegExp(
      `target unreachable: .*https://127\\.0\\.0\\.1:${port}.*Check that the address and port are right`,
    ),
  );
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  assert.equal(run.status, 'failed');
  assert.match(run.failure.message, /target unreachable/);
  // Stopped within the first seconds, not after the 20 s the profile asked for.
  assert.ok(Date.parse(run.endedAt) - Date.parse(run.startedAt) < 15_000, 'stopped early');
}

test('a closed port: exit 3, naming the URL and what to check', async () => {
  const closed = createServer();
  const port = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assertUnreachable('closed-port', port);
});

test('a server that accepts and closes at once: exit 3, naming the URL', async () => {
  const rude = createServer((socket) => socket.destroy());
  after(() => rude.close());
  await assertUnreachable('accept-close', await listen(rude));
});
