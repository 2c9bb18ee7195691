import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attribute } from '../../src/attribute/join.js';
import { createHistogram } from '../../src/metrics/histogram.js';
import type { GraphSignIn } from '../../src/protocol/graph-signin.js';
import { ptaMethodDetail, simAgentId } from '../../src/protocol/graph-signin.js';
import type { CorrelationRecord } from '../../src/results/correlation-file.js';

const START = Date.parse('2026-12-01T10:00:00Z');
const A1 = simAgentId('agent-1');

function kept(i: number): CorrelationRecord {
  return {
    correlationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    intendedStart: new Date(START + i * 100).toISOString(),
    user: `u${i}@contoso.test`,
    outcome: 'success',
    latencyMs: 20,
  };
}

function logged(k: CorrelationRecord, processing: unknown): GraphSignIn {
  return {
    id: `id-${k.correlationId}`,
    createdDateTime: k.intendedStart,
    correlationId: k.correlationId.toUpperCase(),
    status: { errorCode: 0 },
    authenticationDetails: [{ authenticationMethodDetail: ptaMethodDetail(A1) }],
    processingTimeInMilliseconds: processing as number,
  };
}

test("attribute reads each sign-in's processingTimeInMilliseconds as it comes, into µs: 0 stays 0, an absurd value is held at the top", () => {
  const times = [0, 7, 12, 12, 31, 10_000_000];
  const rows = times.map((_, i) => kept(i));
  const result = attribute(
    rows,
    rows.map((k, i) => logged(k, times[i])),
    { startEpochMs: START, intervalMs: 1000 },
    { byId: new Map([[A1, 'agent-1']]) },
  );
  assert.equal(result.agents[0]!.requests, times.length);
  const h = [...result.intervals.values()][0]!.get('agent-1/success')!;
  const want = createHistogram();
  for (const ms of times.slice(0, -1)) want.recordValue(ms * 1000);
  want.recordValue(3_600_000_000);
  assert.equal(h.totalCount, want.totalCount);
  for (const p of [0, 20, 50, 70, 90, 100])
    assert.equal(h.getValueAtPercentile(p), want.getValueAtPercentile(p), `percentile ${p}`);
});

test('a sign-in without a processing time is counted but adds no time', () => {
  const rows = [kept(0), kept(1)];
  const result = attribute(
    rows,
    [logged(rows[0]!, 15), logged(rows[1]!, null)],
    { startEpochMs: START, intervalMs: 1000 },
    { byId: new Map([[A1, 'agent-1']]) },
  );
  assert.equal(result.agents[0]!.requests, 2);
  const h = result.intervals.get(0)!.get('agent-1/success')!;
  assert.equal(h.totalCount, 1);
  const want = createHistogram();
  want.recordValue(15_000);
  assert.equal(h.getValueAtPercentile(100), want.getValueAtPercentile(100));
});
