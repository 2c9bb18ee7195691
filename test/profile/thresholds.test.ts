import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseThreshold, type Threshold } from '../../src/profile/thresholds.js';

function ok(text: string): Threshold {
  const r = parseThreshold(text);
  if (!r.ok) assert.fail(`'${text}' should parse: ${r.error}`);
  return r.threshold;
}
function bad(text: string): string {
  const r = parseThreshold(text);
  if (r.ok) assert.fail(`'${text}' should be refused`);
  return r.error;
}

test('latency thresholds normalise to milliseconds with their scope', () => {
  assert.deepEqual(ok('p99 < 800ms'), {
    expression: 'p99 < 800ms',
    scope: { kind: 'tenant' },
    metric: { kind: 'percentile', p: 99 },
    op: '<',
    value: 800,
  });
  const each = ok('each-agent: p99 < 1s');
  assert.deepEqual([each.scope, each.value], [{ kind: 'each-agent' }, 1000]);
  const one = ok('agent-2: p50 <= 200ms');
  assert.deepEqual(
    [one.scope, one.metric, one.op],
    [{ kind: 'agent', name: 'agent-2' }, { kind: 'percentile', p: 50 }, '<='],
  );
  assert.deepEqual(ok('p99.9 < 2s').metric, { kind: 'percentile', p: 99.9 });
  assert.deepEqual(ok('p999 < 2s').metric, { kind: 'percentile', p: 99.9 });
  assert.deepEqual([ok('max < 5s').metric, ok('max < 5s').value], [{ kind: 'max' }, 5000]);
  assert.deepEqual(ok('mean<100ms').metric, { kind: 'mean' });
  assert.equal(ok('tenant: p90 > 1ms').scope.kind, 'tenant');
});

test('rates, error rate and throughput normalise to fractions', () => {
  const r = ok('rate(pta_timeout) < 0.5%');
  assert.deepEqual([r.metric, r.value], [{ kind: 'rate', outcomes: ['pta_timeout'] }, 0.005]);
  assert.deepEqual(ok('rate(pta_timeout, pta_error) < 1%').metric, {
    kind: 'rate',
    outcomes: ['pta_timeout', 'pta_error'],
  });
  assert.equal(ok('error_rate < 1%').value, 0.01);
  const t = ok('throughput >= 95%');
  assert.deepEqual([t.metric, t.op, t.value], [{ kind: 'throughput' }, '>=', 0.95]);
  assert.equal(ok('error_rate < 0.01').value, 0.01);
});

test('mistakes get a sentence that says what is wrong', () => {
  assert.match(bad('p99 < 800'), /unit like 800ms/);
  assert.match(bad('p99 < fast'), /unit like 800ms/);
  assert.match(bad('p100 < 1s'), /percentile/);
  assert.match(bad('latency < 1s'), /unknown metric 'latency'/);
  assert.match(bad('rate(pta_timout) < 1%'), /unknown outcome 'pta_timout'.*pta_timeout/);
  assert.match(bad('rate() < 1%'), /at least one outcome/);
  assert.match(bad('error_rate < 5'), /percentage/);
  assert.match(bad('p99 = 1s'), /'=' is not supported/);
  assert.match(bad('agent-1: throughput > 90%'), /whole tenant/);
  assert.match(bad('bad scope!: p99 < 1s'), /scope/);
  assert.match(bad('p99'), /metric op value/);
  assert.match(bad('p99 < 800'), /in 'p99 < 800'/, 'the expression is quoted back');
});
