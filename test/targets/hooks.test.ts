import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { hookEnv, renderHook, runHook, unknownPlaceholders } from '../../src/targets/entra/hooks.js';
import { tempDir } from '../helpers/tmp.js';

const vars = { name: 'agent-1', host: 'pta01.corp.example', site: 'dc1', action: 'remove', mode: 'crash' };

test('templates: plain values go in as they are, anything else is single-quoted for sh', () => {
  assert.deepEqual(renderHook('ssh {host} Stop-Service x # {name} {site} {action} {mode}', vars, 'linux'), {
    command: 'ssh pta01.corp.example Stop-Service x # agent-1 dc1 remove crash',
  });
  const nasty = { ...vars, host: "a b'; rm -rf / #" };
  const r = renderHook('echo {host}', nasty, 'linux');
  assert.ok('command' in r);
  assert.equal(r.command, `echo 'a b'\\''; rm -rf / #'`);
  assert.deepEqual(renderHook('x {mode}', { ...vars, mode: '' }, 'linux'), { command: "x ''" });
  assert.deepEqual(renderHook('x {unknown}', vars, 'linux'), { command: 'x {unknown}' });
});

test('on Windows a value that is not a plain word is refused rather than quoted badly', () => {
  assert.deepEqual(renderHook('x {name}', vars, 'win32'), { command: 'x agent-1' });
  const r = renderHook('x {host}', { ...vars, host: 'a&b' }, 'win32');
  assert.ok('error' in r);
  assert.match(r.error, /PTALOAD_HOST/);
});

test('misspelt placeholders are found before a run', () => {
  assert.deepEqual(unknownPlaceholders('ssh {hots} {name} {Site}'), ['hots', 'Site']);
  assert.deepEqual(unknownPlaceholders('ssh {host} {name}'), []);
});

test('a hook runs through the shell with the event in its environment, and without the withheld secret', async () => {
  const env = hookEnv({ ...process.env, MY_SECRET: 'hunter2-secret' }, vars, ['MY_SECRET']);
  const run = await runHook(
    'printf "%s|%s|%s" "$PTALOAD_NAME" "$PTALOAD_MODE" "$MY_SECRET"; echo oops >&2; exit 3',
    { timeoutMs: 10_000, env },
  );
  assert.equal(run.exitCode, 3);
  assert.equal(run.timedOut, false);
  assert.equal(run.stdout, 'agent-1|crash|', 'the secret variable is not set for the hook');
  assert.equal(run.stderr.trim(), 'oops');
  assert.ok(run.durationMs >= 0);
});

test('a hanging hook is stopped at its timeout, child processes included', async () => {
  const dir = await tempDir();
  const pidFile = join(dir, 'bg.pid');
  const run = await runHook(`sleep 30 & echo $! > ${pidFile}; sleep 30; echo never`, {
    timeoutMs: 300,
    env: process.env,
  });
  assert.equal(run.timedOut, true);
  assert.equal(run.exitCode, null);
  assert.equal(run.stdout, '');
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  let gone = false;
  for (let i = 0; i < 100 && !gone; i++) {
    gone = !alive(pid);
    if (!gone) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(gone, `the background sleep (pid ${pid}) was stopped with the hook`);
});

/** Running, as opposed to gone or a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

test('long output keeps its start and end, and secrets that leak into it are redacted', async () => {
  const run = await runHook(
    'echo START; i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done; echo tok=s3cr3t-value; echo END',
    { timeoutMs: 10_000, env: process.env, redact: ['s3cr3t-value'] },
  );
  assert.equal(run.exitCode, 0);
  assert.ok(run.stdout.startsWith('START'));
  assert.ok(run.stdout.trimEnd().endsWith('END'));
  assert.match(run.stdout, /characters cut/);
  assert.ok(run.stdout.length < 5000);
  assert.ok(!run.stdout.includes('s3cr3t-value'));
  assert.match(run.stdout, /tok=\[redacted\]/);
});

test('a command that cannot be found is a failed run, not a throw', async () => {
  const run = await runHook('/nonexistent/ptaload-hook-xyz', { timeoutMs: 5000, env: process.env });
  assert.notEqual(run.exitCode, 0);
  assert.equal(run.timedOut, false);
  assert.match(run.stderr, /not found|No such file/);
});
