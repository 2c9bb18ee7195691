import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse } from '../../src/analysis/summary.js';
import { naturalSort } from '../../src/metrics/natural-order.js';
import { AGENTS_40, fortyAgentRun } from '../report/fixture-40.js';

test('natural order: agent-2 before agent-10, whatever order names arrive in', () => {
  assert.deepEqual(naturalSort(['agent-10', 'agent-2', 'dc2-agent-1', 'agent-1', 'agent-1b']), [
    'agent-1',
    'agent-1b',
    'agent-2',
    'agent-10',
    'dc2-agent-1',
  ]);
});

test('summary.json lists the 40 agents in natural order', () => {
  const { run, intervals } = fortyAgentRun();
  const { summary, series } = analyse(run, intervals);
  assert.deepEqual(Object.keys(summary.agents), AGENTS_40);
  assert.deepEqual(Object.keys(summary.latencyMs.agents), AGENTS_40);
  assert.deepEqual(Object.keys(series[series.length - 1]!.agents), AGENTS_40);
});
