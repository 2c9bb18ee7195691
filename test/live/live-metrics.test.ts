import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LATENCY_BUCKETS_S } from '../../src/live/latency-buckets.js';
import { LiveMetrics } from '../../src/live/live-metrics.js';
import { registrySamples } from '../../src/live/remote-write.js';
import { decodeWriteRequest, encodeWriteRequest } from '../../src/live/remote-write-encode.js';
import type { IntervalRecord, SeriesTag } from '../../src/metrics/types.js';
import { fromRaw, type Histogram } from '../report/fixture.js';

const LABELS = { run_id: 'r1', shard: '1/2', profile: 'p', tenant: 'contoso.test' };

function record(sent: number, completed: number): IntervalRecord {
  return {
    index: 0,
    startMs: 0,
    endMs: 1000,
    targetRate: sent,
    activeAgents: ['agent-1', 'agent-2'],
    phase: 'steady',
    sent,
    completed,
    lateStarts: 2,
    maxSlipUs: 0,
    inFlight: 3,
    codes: {},
  };
}

// Latencies in µs, with values exactly on, just under and just over bucket bounds.
const RAW_1 = [900, 1000, 1001, 49_000, 50_000, 120_000, 120_000, 9_990_000, 10_000_000, 70_000_000];
const RAW_2 = [300_000, 301_000, 2_500_000];

function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const have = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(line.split(' ').pop());
  }
  return undefined;
}

test('exposition: replies and latency buckets per agent and outcome, counted from HDR histograms exactly', async () => {
  const m = new LiveMetrics(LABELS);
  const histograms = new Map<SeriesTag, Histogram>([
    ['agent-1/success', fromRaw(RAW_1)],
    ['agent-2/pta_timeout', fromRaw(RAW_2)],
  ]);
  m.addInterval(record(15, 13), histograms);
  m.addInterval(record(5, 0), new Map());
  m.tick({ inFlight: 7, targetRate: 120, activeAgents: ['agent-1'] });
  m.event('remove', 'agent-2');
  const text = await m.registry.metrics();
  const one = { agent: 'agent-1', outcome: 'success', run_id: 'r1', shard: '1/2' };
  assert.equal(series(text, 'ptaload_replies_total', one), RAW_1.length);
  assert.equal(series(text, 'ptaload_requests_sent_total', {}), 20);
  assert.equal(series(text, 'ptaload_late_starts_total', {}), 4);
  assert.equal(series(text, 'ptaload_in_flight', {}), 7);
  assert.equal(series(text, 'ptaload_agent_active', { agent: 'agent-1' }), 1);
  assert.equal(series(text, 'ptaload_timeline_events_total', { action: 'remove', agent: 'agent-2' }), 1);
  assert.match(text, /# TYPE ptaload_latency_seconds histogram/);
  for (const le of LATENCY_BUCKETS_S) {
    const expected = RAW_1.filter((us) => us <= le * 1e6).length;
    assert.equal(
      series(text, 'ptaload_latency_seconds_bucket', { ...one, le: String(le) }),
      expected,
      `le=${le}`,
    );
  }
  assert.equal(series(text, 'ptaload_latency_seconds_bucket', { ...one, le: '+Inf' }), RAW_1.length);
  assert.equal(series(text, 'ptaload_latency_seconds_count', one), RAW_1.length);
  const sum = series(text, 'ptaload_latency_seconds_sum', one)!;
  const exact = RAW_1.reduce((a, b) => a + b, 0) / 1e6;
  assert.ok(Math.abs(sum - exact) / exact < 0.001, `sum ${sum} ≈ ${exact}`);
  const two = { agent: 'agent-2', outcome: 'pta_timeout' };
  assert.equal(series(text, 'ptaload_latency_seconds_bucket', { ...two, le: '0.3' }), 1);
  assert.equal(series(text, 'ptaload_latency_seconds_bucket', { ...two, le: '0.5' }), 2);
  assert.equal(series(text, 'ptaload_latency_seconds_bucket', { ...two, le: '3' }), 3);
});

test('remote write: the same series, protobuf + snappy, labels sorted with __name__ first', async () => {
  const m = new LiveMetrics(LABELS);
  m.addInterval(record(3, 3), new Map([['agent-1/success' as SeriesTag, fromRaw([1000, 2000, 3000])]]));
  const samples = await registrySamples(m.registry, 1_764_000_000_000);
  const back = decodeWriteRequest(encodeWriteRequest(samples));
  assert.equal(back.length, samples.length);
  const replies = back.find(
    (s) => s.labels.__name__ === 'ptaload_replies_total' && s.labels.agent === 'agent-1',
  );
  assert.equal(replies?.value, 3);
  assert.equal(replies?.timestampMs, 1_764_000_000_000);
  assert.deepEqual(Object.keys(replies!.labels), [
    '__name__',
    'agent',
    'outcome',
    'profile',
    'run_id',
    'shard',
    'tenant',
  ]);
  const count = back.find((s) => s.labels.__name__ === 'ptaload_latency_seconds_count');
  assert.equal(count?.value, 3);
});
