import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { CorrelationIds } from '../../src/load/correlation-id.js';
import { readCorrelations } from '../../src/results/reader.js';
import { runCli } from '../helpers/cli.js';
import { CLIENT, startEntraFixture, TENANT } from './entra-fixture.js';

const fx = await startEntraFixture(150);

async function profile(name: string, correlation: 'all' | 'sample'): Promise<string> {
  const path = join(fx.dir, `${name}.yaml`);
  await writeFile(
    path,
    `name: ${name}
target:
  kind: entra
  tenant: ${TENANT}
  clientId: ${CLIENT}
  authorityHost: ${fx.sim.url}
  ca: ./ca.pem
users: { file: users.csv, wrongPasswordShare: 10% }
load:
  workers: 2
  interval: 500ms
  arrivals: uniform
  correlation: ${correlation}
  phases:
    - { duration: 3s, shape: constant, rate: 10/s }
`,
  );
  return path;
}

/** The simulator's own record of one sign-in, asked over its admin API. */
async function simRecord(correlationId: string) {
  const dispatcher = new Agent({ connect: { ca: fx.sim.caPem } });
  try {
    const res = await request(`${fx.sim.url}/_sim/signins?correlationId=${correlationId}`, {
      headers: { authorization: `Bearer ${fx.sim.adminToken}` },
      dispatcher,
    });
    assert.equal(res.statusCode, 200);
    return (await res.body.json()) as {
      signIns: { correlationId: string; requestId: string; userPrincipalName: string; errorCode: number }[];
    };
  } finally {
    await dispatcher.close();
  }
}

test('a failed sign-in in the correlation file is found by the same id in the simulator’s record of it', async () => {
  const out = join(fx.dir, 'results-correlation');
  const res = await runCli(['run', await profile('correlation', 'sample'), '--out', out, '--quiet'], {
    env: { HTTPS_PROXY: '', https_proxy: '' },
  });
  assert.equal(res.code, 0, `stderr: ${res.stderr}`);
  const rows = await readCorrelations(out);
  const failed = rows.filter((r) => r.outcome !== 'success');
  assert.ok(failed.length >= 2, `10 % of 30 sign-ins carry a wrong password; kept ${failed.length}`);
  const ids = new CorrelationIds(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).runId);
  const sequences = new Set<number>();
  for (const row of failed) {
    assert.equal(row.outcome, 'invalid_credentials');
    assert.equal(row.code, 50126);
    const seq = ids.sequenceOf(row.correlationId);
    assert.ok(seq !== undefined && seq < 30, `${row.correlationId} is this run's id for an arrival number`);
    sequences.add(seq);
    const { signIns } = await simRecord(row.correlationId);
    assert.equal(signIns.length, 1, `the sim saw ${row.correlationId} once`);
    const [seen] = signIns;
    assert.equal(seen!.errorCode, 50126);
    assert.equal(seen!.userPrincipalName, row.user);
    assert.equal(seen!.requestId, row.requestId, 'and the reply’s x-ms-request-id was kept');
    assert.ok(Date.parse(row.intendedStart) > 0);
    assert.ok(row.latencyMs > 0);
  }
  assert.equal(sequences.size, failed.length, 'one id per sign-in');
  const text = await readFile(join(out, 'correlation.csv'), 'utf8');
  assert.match(
    text.split('\n')[0]!,
    /^correlation_id,intended_start,user,outcome,code,latency_ms,x_ms_request_id,agent$/,
  );
  for (const user of fx.users) assert.ok(!text.includes(user.password), 'never a password');
});

test('load.correlation: all keeps every sign-in; a folder without the file reads as none', async () => {
  const out = join(fx.dir, 'results-correlation-all');
  const res = await runCli(
    ['run', await profile('correlation-all', 'all'), '--out', out, '--quiet', '--json'],
    {
      env: { HTTPS_PROXY: '', https_proxy: '' },
    },
  );
  assert.equal(res.code, 0, `stderr: ${res.stderr}`);
  const rows = await readCorrelations(out);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  assert.ok(summary.requests.completed >= 25);
  assert.equal(rows.length, summary.requests.completed, 'one row per answered sign-in');
  assert.ok(rows.some((r) => r.outcome === 'success'));
  assert.equal(new Set(rows.map((r) => r.correlationId)).size, rows.length);
  assert.deepEqual(await readCorrelations(fx.dir), []);
});
