import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeUsersCsv } from '../../src/users/csv.js';
import { generateUsers } from '../../src/users/generate.js';
import { spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// A run against a token endpoint that misbehaves: a real server on 127.0.0.1 standing in for the
// authority (plain http is allowed to a loopback address), the real CLI as a child process.
const TENANT = 'contoso.onmicrosoft.com';
const dir = await tempDir('ptaload-hostile-');
await writeUsersCsv(join(dir, 'users.csv'), generateUsers({ count: 100, domain: 'contoso.test', seed: 4 }));

async function tokenServer(answer: (res: ServerResponse, timers: Set<NodeJS.Timeout>) => void) {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.on('error', () => undefined);
      answer(res, timers);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = () =>
    new Promise<void>((r) => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  after(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

async function profile(name: string, load: string): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  await writeFile(
    path,
    `name: ${name}\ntarget: { kind: entra, tenant: ${TENANT}, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa }\nusers: { file: users.csv }\nload: ${load}\n`,
  );
  return path;
}

/** Runs the CLI; samples its resident memory (Linux /proc) every 50 ms while it runs. */
async function run(args: string[], limitMs: number) {
  const child = spawnCli(args);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdout?.resume();
  let maxRssKb = 0;
  const sampler = setInterval(async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
    maxRssKb = Math.max(maxRssKb, kb);
  }, 50);
  // Bounded: a run that hangs is killed, and the assertions below say so.
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(sampler);
  clearTimeout(killer);
  return { code, stderr, maxRssMb: maxRssKb / 1024 };
}

test('a server dripping its body a byte a second: the run ends within duration + timeout + grace, all client_timeout', async () => {
  const srv = await tokenServer((res, timers) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const t = setInterval(() => res.write(' '), 1000);
    timers.add(t);
  });
  const p = await profile(
    'drip',
    '{ workers: 1, timeout: 2s, phases: [{ duration: 2s, shape: constant, rate: 5/s }] }',
  );
  const out = join(dir, 'drip-results');
  const res = await run(['run', p, '--authority-host', srv.url, '--out', out, '--quiet'], 90_000);
  assert.notEqual(res.code, null, `the run hung and was killed; stderr: ${res.stderr}`);
  const runInfo = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  const scheduleMs = Date.parse(runInfo.endedAt) - runInfo.startEpochMs;
  // duration 2 s + timeout 2 s + stop grace (at most the timeout) 2 s; the rest is slack for a loaded machine.
  assert.ok(scheduleMs < 2000 + 2000 + 2000 + 4000, `the schedule took ${scheduleMs} ms to end`);
  assert.equal(summary.status, 'completed');
  assert.ok(srv.requests() >= 5, `${srv.requests()} requests reached the server`);
  assert.equal(
    summary.requests.byOutcome.client_timeout,
    summary.requests.completed,
    JSON.stringify(summary.requests),
  );
  assert.equal(summary.requests.byOutcome.success ?? 0, 0);
});

test('100 MB error bodies: memory stays bounded (under 300 MB RSS) and the replies are classed', async () => {
  const MB = 1 << 20;
  const chunk = Buffer.alloc(MB, 0x20);
  const srv = await tokenServer((res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.write('{"error":"not_a_known_error","error_description":"padding follows"');
    let left = 100;
    const more = () => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end('}');
    };
    more();
  });
  const p = await profile(
    'huge',
    '{ workers: 1, timeout: 10s, phases: [{ duration: 3s, shape: constant, rate: 4/s }] }',
  );
  const out = join(dir, 'huge-results');
  const res = await run(['run', p, '--authority-host', srv.url, '--out', out, '--quiet'], 90_000);
  assert.notEqual(res.code, null, `killed; stderr: ${res.stderr}`);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  assert.ok(summary.requests.completed >= 8, JSON.stringify(summary.requests));
  assert.equal(summary.requests.byOutcome.other, summary.requests.completed);
  assert.ok(res.maxRssMb > 0, 'memory was sampled');
  assert.ok(res.maxRssMb < 300, `peak RSS ${Math.round(res.maxRssMb)} MB`);
});
