import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Summary } from '../../src/analysis/summary.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { findPrometheus, freePort, NO_PROMETHEUS, startPrometheus } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tmp.js';

const PROFILE = `
name: e2e-prometheus
target: { kind: sim, seed: 11 }
users: { generate: 300 }
agents: { count: 3 }
load:
  workers: 1
  interval: 1s
  phases:
    - { duration: 4s, shape: constant, rate: 120/s }
`;

const PROMETHEUS = findPrometheus();

test('a real Prometheus scrapes --metrics-port and receives --prometheus-remote-write: per-agent counts equal summary.json', {
  skip: PROMETHEUS ? false : NO_PROMETHEUS,
}, async () => {
  const dir = await tempDir();
  const metricsPort = await freePort();
  const prom = await startPrometheus(PROMETHEUS!, join(dir, 'prom'), [`127.0.0.1:${metricsPort}`]);
  try {
    // Prometheus hands new targets to its scrape loops only every few seconds after start: wait until the
    // run's endpoint is an active target, so the (short) run is scraped from its first second.
    for (let i = 0; i < 60; i++) {
      const targets = (await (await fetch(`${prom.origin}/api/v1/targets`)).json()) as {
        data: { activeTargets: unknown[] };
      };
      if (targets.data.activeTargets.length > 0) break;
      await sleep(250);
    }
    const profile = join(dir, 'p.yaml');
    await writeFile(profile, PROFILE);
    const out = join(dir, 'run-1');
    const res = await runCli([
      'run',
      profile,
      '--out',
      out,
      '--quiet',
      '--metrics-port',
      String(metricsPort),
      '--prometheus-remote-write',
      `${prom.origin}/api/v1/write`,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Summary;
    const expected = Object.fromEntries(
      Object.entries(summary.latencyMs.agents).map(([agent, l]) => [agent, l.count]),
    );
    if (summary.requests.unattributed > 0) expected.tenant = summary.requests.unattributed;
    assert.ok(Object.keys(summary.latencyMs.agents).length === 3, 'three agents answered');

    // Scraped series carry job="ptaload"; remote-written ones have no job label. The run has ended, so
    // the scraped series are stale now: last_over_time reads their last sample before the endpoint closed.
    // Prometheus appends a scrape after it has read the reply, so the run's last scrape can still be on its
    // way in when the run exits: ask again for a few seconds until the counts stop changing.
    const perAgent = async (job: string) => {
      let last = '';
      let result: Record<string, number> = {};
      for (let i = 0; i < 20; i++) {
        const rows = await prom.query(
          `sum by (agent) (last_over_time(ptaload_replies_total{run_id="run-1", job="${job}"}[10m]))`,
        );
        result = Object.fromEntries(rows.map((r) => [r.metric.agent!, r.value]));
        const now = JSON.stringify(result);
        if (now === JSON.stringify(expected) || (now !== '{}' && now === last)) break;
        last = now;
        await sleep(250);
      }
      return result;
    };
    assert.deepEqual(await perAgent('ptaload'), expected, 'scraped per-agent replies');
    assert.deepEqual(await perAgent(''), expected, 'remote-written per-agent replies');

    for (const job of ['ptaload', '']) {
      const [count] = await prom.query(
        `sum(last_over_time(ptaload_latency_seconds_count{run_id="run-1", job="${job}"}[10m]))`,
      );
      assert.equal(count?.value, summary.requests.completed, `latency histogram count (job "${job}")`);
      const [sent] = await prom.query(
        `sum(last_over_time(ptaload_requests_sent_total{run_id="run-1", job="${job}"}[10m]))`,
      );
      assert.equal(sent?.value, summary.requests.sent, `sent (job "${job}")`);
      // Buckets are cumulative and end at +Inf = count; a median from them lands within the summary's
      // bucket (1-2-5 ladder) of the HDR p50.
      const [p50] = await prom.query(
        `histogram_quantile(0.5, sum by (le) (last_over_time(ptaload_latency_seconds_bucket{run_id="run-1", job="${job}"}[10m])))`,
      );
      const hdrP50 = summary.latencyMs.tenant.p50! / 1000;
      assert.ok(p50 && p50.value > hdrP50 / 3 && p50.value < hdrP50 * 3, `p50 ${p50?.value} vs ${hdrP50}`);
    }
    const labels = await prom.query('last_over_time(ptaload_requests_sent_total{job=""}[10m])');
    assert.deepEqual(
      { ...labels[0]?.metric, __name__: undefined },
      {
        __name__: undefined,
        run_id: 'run-1',
        shard: '0/1',
        profile: 'e2e-prometheus',
        tenant: summary.target.tenant,
      },
    );

    // The shipped Grafana dashboard's queries are valid PromQL and find this run's data.
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    const endS = (run.startEpochMs + summary.durationS * 1000) / 1000;
    const dashboard = JSON.parse(await readFile(join(ROOT, 'profiles', 'grafana-dashboard.json'), 'utf8'));
    const fill = (e: string) =>
      e.replaceAll('$run', 'run-1').replaceAll('$agent', '.*').replaceAll('$__rate_interval', '4s');
    for (const panel of dashboard.panels as { title: string; targets?: { expr: string }[] }[]) {
      for (const t of panel.targets ?? []) {
        const rows = await prom.query(fill(t.expr), endS);
        const mayBeEmpty = /PTA failures/.test(panel.title);
        assert.ok(mayBeEmpty || rows.length > 0, `${panel.title}: ${t.expr} found nothing`);
      }
    }
    for (const a of dashboard.annotations.list as { expr?: string }[]) {
      if (a.expr) await prom.query(fill(a.expr), endS);
    }
  } finally {
    await prom.stop();
  }
});
