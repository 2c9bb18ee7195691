import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { generateUsers } from '../../src/users/generate.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

interface Running {
  readonly child: ChildProcess;
  readonly ready: Record<string, unknown>;
  readonly stdoutLines: () => string[];
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
}

/** Starts `ptaload sim …` and waits for its ready line. */
async function startCli(args: string[]): Promise<Running> {
  const child = spawnCli(['sim', ...args]);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(stdout.slice(0, nl)));
    });
    exit.then((code) => reject(new Error(`sim exited (${code}) before it was ready: ${stderr}`)));
  });
  return { child, ready, stdoutLines: () => stdout.split('\n').filter(Boolean), stderr: () => stderr, exit };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

test('ptaload sim prints one ready line, serves generated users, and stops with exit 0 on SIGTERM', async () => {
  const [alice, bob] = generateUsers({ count: 3, domain: 'fabrikam.test', seed: '5' });
  const sim = await startCli([
    '--generate-users',
    '3',
    '--seed',
    '5',
    '--domain',
    'fabrikam.test',
    '--agents',
    '2',
  ]);
  const r = sim.ready;
  assert.deepEqual(Object.keys(r), ['url', 'tenant', 'domain', 'clientId', 'adminToken', 'caFile']);
  assert.match(String(r.url), /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(String(r.tenant), /^[0-9a-f-]{36}$/);
  assert.equal(r.domain, 'fabrikam.test');
  assert.equal(r.caFile, null);

  const token = `${r.url}/${r.tenant}/oauth2/v2.0/token`;
  const base = { grant_type: 'password', client_id: String(r.clientId), scope: 'openid' };
  const ok = await request(token, form({ ...base, username: alice!.username, password: alice!.password }));
  assert.equal(ok.statusCode, 200);
  await ok.body.dump();
  const wrong = await request(
    token,
    form({ ...base, username: bob!.username, password: 'Not-The-Password' }),
  );
  assert.equal(wrong.statusCode, 400);
  await wrong.body.dump();
  const agents = await request(`${r.url}/_sim/agents`, {
    headers: { authorization: `Bearer ${r.adminToken}` },
  });
  assert.equal(((await agents.body.json()) as { agents: unknown[] }).agents.length, 2);

  sim.child.kill('SIGTERM');
  assert.equal(await sim.exit, 0);
  assert.equal(sim.stdoutLines().length, 1, 'stdout holds the ready line only');
  for (const secret of [alice!.password, bob!.password, 'Not-The-Password']) {
    assert.ok(!sim.stderr().includes(secret), 'no password in the logs');
  }
});

test('--tls writes the CA to --ca-out and serves HTTPS; an agents file with version profiles is honoured', async () => {
  const dir = await tempDir();
  const caOut = join(dir, 'sim-ca.pem');
  const file = join(dir, 'agents.yaml');
  await writeFile(
    file,
    [
      'agents:',
      '  - { name: canary, version: 1.5.2, site: east }',
      '  - { name: steady }',
      'versions:',
      '  1.5.2: { slowFactor: 1.3 }',
      '',
    ].join('\n'),
  );
  const sim = await startCli(['--tls', '--ca-out', caOut, '--admin-token', 'tok', '--agents-file', file]);
  try {
    assert.equal(sim.ready.caFile, caOut);
    assert.match(String(sim.ready.url), /^https:\/\//);
    const dispatcher = new Agent({ connect: { ca: await readFile(caOut, 'utf8') } });
    const res = await request(`${sim.ready.url}/_sim/agents`, {
      headers: { authorization: 'Bearer tok' },
      dispatcher,
    });
    const { agents } = (await res.body.json()) as {
      agents: { name: string; slowFactor: number; site: string }[];
    };
    assert.deepEqual(
      agents.map((a) => [a.name, a.slowFactor, a.site]),
      [
        ['canary', 1.3, 'east'],
        ['steady', 1, 'default'],
      ],
    );
    await dispatcher.close();
  } finally {
    sim.child.kill('SIGTERM');
    assert.equal(await sim.exit, 0);
  }
});

test('bad input is one paragraph naming the file and line, exit 2, no stack trace, no password', async () => {
  const dir = await tempDir();
  const malformed = join(dir, 'malformed.csv');
  await writeFile(malformed, 'username,password\nann@contoso.test,"Secret-Ann-1\nbo@contoso.test,x\n');
  const duplicate = join(dir, 'dup.csv');
  await writeFile(
    duplicate,
    'ann@contoso.test,Secret-Ann-1\ncarl@contoso.test,Secret-Carl-2\nANN@contoso.test,Secret-Ann-3\n',
  );
  const agents = join(dir, 'agents.json');
  await writeFile(agents, '[\n  {"name": "a"},\n  {"name": "b", "cores": 0}\n]\n');

  const cases: [string[], RegExp][] = [
    [['--users', malformed], /malformed\.csv:\d+: a quoted field is never closed/],
    [['--users', duplicate], /dup\.csv:3: duplicate username 'ANN@contoso\.test' \(first seen on line 1\)/],
    [['--agents-file', agents], /agents\.json:3: \[1\]\.cores: /],
    [['--agents', '2', '--agents-file', agents], /either --agents N or --agents-file FILE/],
    [['--pta-timeout', 'soon'], /--pta-timeout takes a duration like 500ms/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(['sim', ...args], { timeoutMs: 60_000 })));
  for (const [i, res] of results.entries()) {
    const [args, pattern] = cases[i]!;
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, pattern);
    assert.equal(res.stdout, '', 'no ready line');
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(res.stderr, /Secret-/, 'no password');
    const lines = res.stderr.trim().split('\n');
    assert.equal(
      lines.filter((l) => !l.includes('run with --help')).length,
      1,
      `one paragraph: ${res.stderr}`,
    );
  }
});
