import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { SimLaunch, SimReady } from '../../src/protocol/sim-launch.js';

const SIM_MAIN = fileURLToPath(new URL('../../src/sim/main.ts', import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly ready: Promise<SimReady>;
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
}

/** The simulator's own entry, run as the harness runs it: launch options as JSON on stdin (or none at all). */
function startMain(stdin: string | undefined): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', SIM_MAIN], {
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = new Promise<SimReady>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(stdout.slice(0, nl)) as SimReady);
    });
    exit.then((code) => reject(new Error(`sim exited (${code}) before it was ready: ${stderr}`)));
  });
  ready.catch(() => {});
  return { child, ready, stderr: () => stderr, exit };
}

test('src/sim/main.ts runs on its own: launch options from stdin, one ready line, exit 0 on SIGTERM', async () => {
  const launch: SimLaunch = {
    port: 0,
    tenant: '11111111-2222-3333-4444-555555555555',
    domain: 'fabrikam.test',
    seed: 3,
    agents: [{ name: 'dc1-a' }, { name: 'dc1-b', cores: 2 }],
    users: [{ username: 'ann@fabrikam.test', password: 'Ann-Pass-1', state: 'active' }],
    lockout: { threshold: 3, durationMs: 60_000 },
  };
  const sim = startMain(JSON.stringify(launch));
  const ready = await sim.ready;
  assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(ready.tenant, launch.tenant);
  assert.equal(ready.domain, 'fabrikam.test');
  const res = await request(`${ready.url}/${ready.tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: ready.clientId,
      scope: 'openid',
      username: 'ann@fabrikam.test',
      password: 'Ann-Pass-1',
    }).toString(),
  });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['x-ptaload-agent']), /^dc1-[ab]$/, 'served by one of the launched agents');
  await res.body.dump();
  const agents = await request(`${ready.url}/_sim/agents`, {
    headers: { authorization: `Bearer ${ready.adminToken}` },
  });
  const names = ((await agents.body.json()) as { agents: { name: string }[] }).agents.map((a) => a.name);
  assert.deepEqual(names.sort(), ['dc1-a', 'dc1-b']);
  sim.child.kill('SIGTERM');
  assert.equal(await sim.exit, 0);
  assert.match(sim.stderr(), /sim: SIGTERM: stopped after 1 token requests/);
  assert.doesNotMatch(sim.stderr(), /Ann-Pass-1/, 'the password is never logged');
});

test('with nothing on stdin it starts with every default', async () => {
  const sim = startMain(undefined);
  const ready = await sim.ready;
  const agents = await request(`${ready.url}/_sim/agents`, {
    headers: { authorization: `Bearer ${ready.adminToken}` },
  });
  assert.equal(((await agents.body.json()) as { agents: unknown[] }).agents.length, 4);
  sim.child.kill('SIGTERM');
  assert.equal(await sim.exit, 0);
});

test('launch options that do not fit say which field and exit 2, before anything listens', async () => {
  const sim = startMain(
    JSON.stringify({ port: 0, lockout: { threshold: 0, durationMs: 1000 }, colour: 'red' }),
  );
  assert.equal(await sim.exit, 2);
  assert.match(sim.stderr(), /^ptaload: the simulator's launch options: options/);
  assert.match(sim.stderr(), /lockout\.threshold/);
  assert.match(sim.stderr(), /colour/);

  const notJson = startMain('port: 0');
  assert.equal(await notJson.exit, 2);
  assert.match(notJson.stderr(), /^ptaload: the simulator's launch options on stdin are not JSON/);
});
