import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { analyse } from '../../src/analysis/summary.js';
import { parseThreshold } from '../../src/profile/thresholds.js';
import { fmtMs } from '../../src/report/format.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { INTERVALS, syntheticRun } from './fixture.js';

function analysed(overrides: Parameters<typeof syntheticRun>[0] = {}) {
  const { run, intervals } = syntheticRun(overrides);
  const thresholds = ['p99 < 100ms', 'error_rate < 5%'].map((t) => {
    const parsed = parseThreshold(t);
    assert.ok(parsed.ok);
    return parsed.threshold;
  });
  return { run, intervals, analysis: analyse(run, intervals, thresholds) };
}

test('report.md carries the headline numbers, thresholds, agents, outcomes, failover and timeline', () => {
  const { run, analysis } = analysed();
  const s = analysis.summary;
  const md = renderMarkdown(run, analysis);
  assert.match(md, /^# ptaload report: failover$/m);
  assert.ok(
    md.includes(
      `${fmtMs(s.latencyMs.tenant.p50)} / ${fmtMs(s.latencyMs.tenant.p90)} / ${fmtMs(s.latencyMs.tenant.p99)}`,
    ),
  );
  assert.match(md, /\| `p99 < 100ms` \| \*\*FAIL\*\* \| 10 s \|/);
  assert.match(md, /\| `error_rate < 5%` \| pass \|/);
  for (const agent of ['agent-1', 'agent-2', 'agent-3', 'agent-4'])
    assert.match(md, new RegExp(`^\\| ${agent} \\|`, 'm'));
  assert.match(md, /^\| `pta_timeout` \| 50 \| 1\.25 % \| error \|$/m);
  assert.match(
    md,
    /^\| remove agent-2 \(crash\) \| 15 s \| .* \| 6 s \| agent-2: 50 timed out, 0 other PTA errors, 0 served \|$/m,
  );
  assert.match(md, /^## Timeline$/m);
  assert.match(md, /80002 × 50/);
});

test('report.html has one chart per view, each carrying the run’s own numbers', () => {
  const { run, intervals, analysis } = analysed();
  const html = renderHtml(run, analysis);
  const charts = [...html.matchAll(/<svg data-chart="([^"]+)" data-points="([^"]*)"/g)].map((m) => ({
    id: m[1]!,
    data: JSON.parse(m[2]!.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&')) as {
      series: { name: string; points: [number, number | null][] }[];
    },
  }));
  assert.deepEqual(
    charts.map((c) => c.id),
    ['throughput', 'latency', 'agent-p99', 'agent-throughput', 'distribution', 'outcomes'],
  );
  const achieved = charts[0]!.data.series.find((x) => x.name.startsWith('achieved'))!;
  assert.deepEqual(
    achieved.points,
    intervals.map((i) => [i.record.startMs / 1000, i.record.completed]),
  );
  const agent2 = charts[2]!.data.series.find((x) => x.name === 'agent-2')!;
  assert.equal(agent2.points.length, INTERVALS);
  assert.equal(
    agent2.points.filter((p) => p[1] !== null).length,
    15 + 5,
    'a gap while agent-2 answered nothing',
  );
  const stacked = charts[5]!.data.series.map((x) => x.name);
  assert.deepEqual(stacked, ['success', 'invalid_credentials', 'pta_timeout', 'throttled']);
  assert.match(html, /<span class="pill completed">completed<\/span>/);
  assert.match(html, /thresholds failed/);
});

test('every string from the profile or run is escaped, and a CSP allows only our own script', () => {
  const evil = '<script>alert("x")</script>';
  const { run, analysis } = analysed({
    profile: { name: evil, resolved: { description: '<img src=x onerror=alert(1)>' } },
    runId: '"><svg onload=alert(2)>',
    timeline: [
      {
        atMs: 15_000,
        action: 'remove',
        agent: 'agent-2',
        mode: 'crash</td><script>alert(3)</script>',
        ok: false,
        error: "'><iframe src=javascript:alert(4)>",
        hook: {
          command: 'ssh x </code><b>',
          exitCode: 1,
          timedOut: false,
          durationMs: 12,
          stdout: '<script>alert(5)</script>',
          stderr: '</pre><img src=y>',
        },
      },
    ],
    notes: ['<style>body{display:none}</style>'],
  });
  const html = renderHtml(run, analysis);
  assert.equal(html.match(/<script/g)?.length, 1, 'only the report’s own script tag');
  for (const bad of ['<img', '<svg onload', '<iframe', '</td><script', '<style>body', '</code><b>']) {
    assert.ok(!html.includes(bad), bad);
  }
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
  const hash = createHash('sha256').update(script).digest('base64');
  assert.ok(html.includes(`script-src 'sha256-${hash}'`));
  assert.ok(html.includes("default-src 'none'"));

  const md = renderMarkdown(run, analysis);
  assert.ok(!md.includes('<script>'));
  assert.ok(md.includes('\\<script\\>'));
});
