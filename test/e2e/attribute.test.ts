import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as hdr from 'hdr-histogram-js';
import type { Summary } from '../../src/analysis/summary-types.js';
import { simAgentId } from '../../src/protocol/graph-signin.js';
import type { AttributionFile } from '../../src/results/attribution-file.js';
import type { AgentTimesView } from '../../src/sim/processing-times.js';
import { makeSelfSignedCert } from '../../src/sim/self-signed-cert.js';
import { SimAdmin } from '../../src/targets/sim/admin-client.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { allFiles, startEntraFixture } from './entra-fixture.js';

const GRAPH_APP = '3f9d0c1e-5b7a-4c2d-9e8f-1a2b3c4d5e6f';
const GRAPH_SECRET = `graph-${randomBytes(12).toString('base64url')}`;
const CERT_APP = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const cert = makeSelfSignedCert({ hosts: ['graph-reader.contoso.test'], key: 'rsa' });
const USER_SECRET_MARK = 'password';

// A stand-in tenant that behaves like Entra: no agent header on replies, sign-in logs that arrive late, in
// small pages, behind Graph's throttling.
const fx = await startEntraFixture(240, {
  agents: [{ name: 'agent-1' }, { name: 'agent-2' }, { name: 'agent-3' }],
  omitAgentHeader: true,
  graph: {
    apps: [
      { clientId: GRAPH_APP, secret: GRAPH_SECRET },
      { clientId: CERT_APP, certificatePem: cert.certPem },
    ],
    ingestionDelayMs: 4000,
    pageSize: 25,
    throttle: { requests: 4, windowMs: 2000, retryAfterS: 1 },
  },
});

/** A timeline hook that adds or removes an agent through the stand-in's admin API (as a real hook would script the agent servers). */
async function hookScript(): Promise<string> {
  const path = join(fx.dir, 'agent-hook.mjs');
  const url = new URL(fx.sim.url);
  await writeFile(
    path,
    `import https from 'node:https';
import { readFileSync } from 'node:fs';
const [, , action, name] = process.argv;
const req = https.request({ host: ${JSON.stringify(url.hostname)}, port: ${url.port}, ca: readFileSync(${JSON.stringify(join(fx.dir, 'ca.pem'))}),
  method: action === 'remove' ? 'DELETE' : 'POST', path: action === 'remove' ? '/_sim/agents/' + name + '?mode=drain' : '/_sim/agents',
  headers: { authorization: 'Bearer ${fx.sim.adminToken}', 'content-type': 'application/json' } },
  (res) => { res.resume(); res.on('end', () => process.exit(res.statusCode < 300 ? 0 : 1)); });
req.end(action === 'remove' ? undefined : JSON.stringify({ name }));
`,
  );
  return path;
}

/** The stand-in's own per-agent counts (what its admin API lists): validations each agent answered. */
function agentCounts(): Map<string, number> {
  return new Map(fx.sim.pool.list().map((a) => [a.name, a.served + a.failed]));
}

/** The stand-in's own record of each agent's processing and service times (µs histograms), read over its admin API. */
async function simProcessing(): Promise<Map<string, { processing: hdr.Histogram; service: hdr.Histogram }>> {
  const admin = new SimAdmin(fx.sim.url, fx.sim.adminToken, fx.sim.caPem);
  const r = await admin.call('GET', '/_sim/processing');
  assert.equal(r.status, 200);
  const body = r.json as { unit: string; agents: AgentTimesView[] };
  assert.equal(body.unit, 'µs');
  const decode = (b64: string) => hdr.decodeFromCompressedBase64(b64, 32, false, 3_600_000_000);
  return new Map(
    body.agents.map((a) => [
      a.name,
      { processing: decode(a.processingHistogram), service: decode(a.serviceHistogram) },
    ]),
  );
}

/** What the run added to an agent's record: the snapshot after, less the one before. */
function since(
  after: Map<string, { processing: hdr.Histogram; service: hdr.Histogram }>,
  before: Map<string, { processing: hdr.Histogram; service: hdr.Histogram }>,
  name: string,
): { processing: hdr.Histogram; service: hdr.Histogram } {
  const a = after.get(name);
  assert.ok(a, `the sim recorded ${name}'s processing times`);
  const b = before.get(name);
  if (b) {
    a.processing.subtract(b.processing);
    a.service.subtract(b.service);
  }
  return a;
}

let attributedRun = '';

test('per-agent figures on a real tenant: a run without agent headers, agents leaving and joining, then ptaload attribute', async () => {
  const hook = await hookScript();
  const agents = ['agent-1', 'agent-2', 'agent-3', 'agent-4'];
  const profile = await fx.profile('attributed', {
    rate: '16/s',
    duration: '6s',
    wrongPasswordShare: '5%',
    extra: `agents:
  list:
${agents
  .slice(0, 3)
  .map((a) => `    - { name: ${a}, agentId: ${simAgentId(a)} }`)
  .join('\n')}
  timeline:
    - { at: 2s, action: remove, agent: agent-2, mode: drain }
    - { at: 3s, action: add, agent: { name: agent-4, agentId: ${simAgentId('agent-4')} } }
  hooks:
    remove: "node ${hook} remove {name}"
    add: "node ${hook} add {name}"
    timeout: 10s`,
  });
  const profileText = (await readFile(profile, 'utf8')).replace(
    '  interval: 500ms\n',
    '  interval: 500ms\n  correlation: all\n',
  );
  await writeFile(profile, profileText);
  const out = join(fx.dir, 'results-attributed');
  attributedRun = out;
  const before = agentCounts();
  const timesBefore = await simProcessing();
  const run = await runCli(['run', profile, '--out', out, '--quiet'], {
    env: { HTTPS_PROXY: '', https_proxy: '' },
  });
  assert.equal(run.code, 0, run.stderr);
  const live = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
  assert.equal(
    live.requests.unattributed,
    live.requests.completed,
    'live figures name no agent, as with Entra',
  );

  const res = await runCli(
    [
      'attribute',
      out,
      '--graph-client-id',
      GRAPH_APP,
      '--poll',
      '1s',
      '--wait',
      '60s',
      '--graph-budget',
      '20/10s',
    ],
    {
      env: { PTALOAD_GRAPH_CLIENT_SECRET: GRAPH_SECRET },
      timeoutMs: 120_000,
    },
  );
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, /retrying in 1 s/, 'Graph throttled the fetch and it waited');
  const file = JSON.parse(await readFile(join(out, 'attribution.json'), 'utf8')) as AttributionFile;
  assert.equal(file.coverage.found, live.requests.sent, 'every sign-in found after the ingestion delay');
  assert.equal(file.coverage.share, 1);
  assert.ok(file.fetch.pages >= 3, `paged (${file.fetch.pages} pages)`);
  assert.ok(file.fetch.passes >= 2, `the logs arrived late, so it polled (${file.fetch.passes} passes)`);

  // Per-agent counts are the stand-in's own per-agent counts, exactly.
  const after = agentCounts();
  const attributed = new Map(file.agents.map((a) => [a.name, a.requests]));
  for (const name of agents) {
    assert.equal(
      attributed.get(name) ?? 0,
      (after.get(name) ?? 0) - (before.get(name) ?? 0),
      `${name}'s count`,
    );
  }
  const runInfo = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
  const removedAtS =
    runInfo.timeline.find((t: { action: string }) => t.action === 'remove').appliedAtMs / 1000;
  const addedAtS = runInfo.timeline.find((t: { action: string }) => t.action === 'add').appliedAtMs / 1000;
  const a2 = file.agents.find((a) => a.name === 'agent-2')!;
  assert.ok(
    a2.lastAtS <= removedAtS + 0.5,
    `agent-2 validated nothing after it left (last ${a2.lastAtS} s, left ${removedAtS} s)`,
  );
  const a4 = file.agents.find((a) => a.name === 'agent-4')!;
  assert.ok(
    a4.firstAtS >= addedAtS - 0.5,
    `agent-4 validated nothing before it joined (first ${a4.firstAtS} s)`,
  );
  // Per-agent processing time is the stand-in's own record, percentile by percentile: the same sign-ins, so the
  // same order statistic, off only by Graph's whole-ms rounding (≤ 0.5 ms) and each histogram's bucket width
  // (3 significant digits) at that value.
  const timesAfter = await simProcessing();
  const checks = { p50: 50, p90: 90, p99: 99, max: 100 } as const;
  for (const name of agents) {
    const a = file.agents.find((x) => x.name === name)!;
    const own = since(timesAfter, timesBefore, name);
    assert.equal(a.processingMs.count, own.processing.totalCount, `${name}: sign-ins with a processing time`);
    assert.equal(a.processingMs.count, a.requests, `${name}: every attributed sign-in has one`);
    for (const [figure, percentile] of Object.entries(checks) as [keyof typeof checks, number][]) {
      const attributed = a.processingMs[figure]!;
      const simUs = own.processing.getValueAtPercentile(percentile);
      const bucket = own.processing as hdr.JsHistogram;
      const width =
        bucket.sizeOfEquivalentValueRange(simUs) + bucket.sizeOfEquivalentValueRange(attributed * 1000);
      const tolerance = 0.5 + width / 1000 + 0.001;
      assert.ok(
        Math.abs(attributed - simUs / 1000) <= tolerance,
        `${name} ${figure}: attributed ${attributed} ms, the sim's own ${simUs / 1000} ms (± ${tolerance.toFixed(3)})`,
      );
      // Processing time holds the agent's service time (the wheel may run an event up to a ms early).
      const serviceUs = own.service.getValueAtPercentile(percentile);
      assert.ok(
        serviceUs <= simUs + 2000,
        `${name} ${figure}: service ${serviceUs} µs ≤ processing ${simUs} µs`,
      );
    }
    assert.equal(
      own.service.totalCount,
      own.processing.totalCount,
      `${name}: each answer had a service time`,
    );
  }
  assert.deepEqual(file.unknownAgents, []);

  // The report, summary and reader show them, labelled as coming from the sign-in logs.
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
  assert.equal(summary.attributed?.source, 'entra-sign-in-logs');
  assert.match(await readFile(join(out, 'report.md'), 'utf8'), /## Agents, from the sign-in logs/);
  // No secret, no password in anything written.
  for (const [path, text] of await allFiles(out)) {
    assert.ok(!text.includes(GRAPH_SECRET), `Graph secret in ${path}`);
    for (const u of fx.users.slice(0, 20))
      assert.ok(!text.includes(u.password), `a ${USER_SECRET_MARK} in ${path}`);
  }
  assert.ok(!res.stdout.includes(GRAPH_SECRET) && !res.stderr.includes(GRAPH_SECRET));
});

test('attribute: a certificate signs in; a missing permission and an expired token are named, with exit 3', async () => {
  assert.ok(attributedRun, 'the run of the first test');
  const pem = join(fx.dir, 'graph-reader.pem');
  await writeFile(pem, `${cert.certPem}\n${cert.keyPem}\n`);
  const signed = await runCli([
    'attribute',
    attributedRun,
    '--graph-client-id',
    CERT_APP,
    '--graph-certificate',
    pem,
    '--wait',
    '10s',
    '--poll',
    '1s',
  ]);
  assert.equal(signed.code, 0, signed.stderr);
  assert.match(signed.stderr, /as app 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d \(certificate\)/);
  assert.match(signed.stdout, /found in the sign-in logs \(100 %\)/);
  const denied = fx.sim.graph!.issue(GRAPH_APP, [], 600).access_token as string;
  const res = await runCli(['attribute', attributedRun, '--wait', '5s', '--poll', '1s'], {
    env: { PTALOAD_GRAPH_TOKEN: denied },
  });
  assert.equal(res.code, 3, res.stderr);
  assert.match(res.stderr, /403.*needs AuditLog\.Read\.All.*P1 or P2/);
  const expired = fx.sim.graph!.issue(GRAPH_APP, ['AuditLog.Read.All'], -60).access_token as string;
  const old = await runCli(['attribute', attributedRun, '--wait', '5s', '--poll', '1s'], {
    env: { PTALOAD_GRAPH_TOKEN: expired },
  });
  assert.equal(old.code, 3, old.stderr);
  assert.match(old.stderr, /expired.*az account get-access-token/);
  assert.ok(!old.stderr.includes(expired), 'the token is never printed');
  const none = await runCli(['attribute', attributedRun], {
    env: { PTALOAD_GRAPH_TOKEN: '', PTALOAD_GRAPH_CLIENT_SECRET: '' },
  });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no way to read the sign-in logs: set PTALOAD_GRAPH_TOKEN/);
});

test('attribute: an interrupted fetch resumes where it stopped', async () => {
  const copy = join(fx.dir, 'results-resume');
  await cp(attributedRun, copy, { recursive: true });
  for (const f of ['attribution.json', 'signins.jsonl', 'signins-fetch.json'])
    await rm(join(copy, f), { force: true });
  const token = fx.sim.graph!.issue(GRAPH_APP, ['AuditLog.Read.All'], 600).access_token as string;
  const child = spawnCli(['attribute', copy, '--poll', '1s', '--wait', '60s', '--graph-budget', '1/2s'], {
    env: { PTALOAD_GRAPH_TOKEN: token },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  // Stop it once two pages are kept on disk.
  for (let i = 0; i < 200; i++) {
    const text = await readFile(join(copy, 'signins.jsonl'), 'utf8').catch(() => '');
    if (text.split('\n').filter(Boolean).length >= 25) break;
    await sleep(50);
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 130, stderr);
  const state = JSON.parse(await readFile(join(copy, 'signins-fetch.json'), 'utf8'));
  assert.ok(state.nextLink, 'the next page is remembered');
  const kept = (await readFile(join(copy, 'signins.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
  const requestsBefore = fx.sim.graph!.requests;
  const again = await runCli(['attribute', copy, '--poll', '1s', '--wait', '60s'], {
    env: { PTALOAD_GRAPH_TOKEN: token },
    timeoutMs: 120_000,
  });
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stderr,
    new RegExp(`resuming \\(${kept} sign-ins already fetched, pass 1 at page \\d+\\)`),
  );
  const file = JSON.parse(await readFile(join(copy, 'attribution.json'), 'utf8')) as AttributionFile;
  assert.equal(file.coverage.share, 1);
  assert.equal(file.fetch.resumed, true);
  const pagesTotal = Math.ceil(file.fetch.rows / 25);
  assert.ok(
    fx.sim.graph!.requests - requestsBefore < pagesTotal + 3,
    'the pages already kept were not fetched again',
  );
});
