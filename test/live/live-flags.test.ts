import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.js';
import { ROOT, runCli } from '../helpers/cli.js';

const SMOKE = join(ROOT, 'profiles', 'smoke.yaml');

test('live-metrics flags: a bad URL or port is a usage error naming the flag, and a URL password is never echoed', async () => {
  const url = await runCli(['run', SMOKE, '--prometheus-remote-write', 'ftp://user:s3cret@example.test/x']);
  assert.equal(url.code, EXIT.badInput);
  assert.match(url.stderr, /--prometheus-remote-write takes an http:\/\/ or https:\/\/ URL/);
  assert.doesNotMatch(url.stderr, /s3cret/);
  const port = await runCli(['run', SMOKE, '--metrics-port', '70000']);
  assert.equal(port.code, EXIT.badInput);
  assert.match(port.stderr, /--metrics-port takes a whole number from 0 to 65535/);
});

test('--metrics-port on a port already taken stops before any load, with the fix', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const res = await runCli([
      'run',
      SMOKE,
      '--metrics-port',
      String(port),
      '--quiet',
      '--out',
      join(ROOT, 'results', 'never'),
    ]);
    assert.equal(res.code, EXIT.badInput, res.stderr);
    assert.match(
      res.stderr,
      new RegExp(
        `--metrics-port ${port}: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\); choose a free port`,
      ),
    );
    assert.doesNotMatch(res.stderr, /\n\s+at /);
  } finally {
    blocker.close();
  }
});
