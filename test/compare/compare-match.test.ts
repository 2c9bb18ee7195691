import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchAgents, pairLabel } from '../../src/compare/compare-match.js';
import { profileDifferences } from '../../src/compare/compare-profiles.js';
import type { ScopeSide } from '../../src/compare/compare-types.js';
import { syntheticRun } from '../report/fixture.js';

const a = (name: string, version: string | null): ScopeSide => ({ name, version, site: null, replies: 100 });

test('agents keep their names through an upgrade: matched by name, versions may differ', () => {
  const m = matchAgents(
    [a('agent-1', '1.5.193.0'), a('agent-2', '1.5.193.0')],
    [a('agent-2', '1.5.643.0'), a('agent-1', '1.5.193.0')],
  );
  assert.deepEqual(
    m.pairs.map((p) => [p.baseline.name, p.candidate.name, p.matchedBy]),
    [
      ['agent-1', 'agent-1', 'name'],
      ['agent-2', 'agent-2', 'name'],
    ],
  );
  assert.deepEqual(m.unmatched, { baseline: [], candidate: [] });
});

test('renamed agents are matched by version label in order of appearance, then by position alone', () => {
  const m = matchAgents(
    [a('old-1', '1.0'), a('old-2', '2.0'), a('old-3', '1.0'), a('keep', '1.0'), a('gone', '9.9')],
    [a('keep', '1.1'), a('new-a', '1.0'), a('new-b', '1.0'), a('new-c', '3.0'), a('new-d', '2.0')],
  );
  assert.deepEqual(
    m.pairs.map((p) => [pairLabel(p), p.matchedBy]),
    [
      ['old-1 → new-a', 'version'],
      ['old-2 → new-d', 'version'],
      ['old-3 → new-b', 'version'],
      ['keep', 'name'],
      ['gone → new-c', 'position'],
    ],
  );
  assert.deepEqual(m.unmatched, { baseline: [], candidate: [] });

  const extra = matchAgents([a('x', '1')], [a('x', '1'), a('y', '1')]);
  assert.deepEqual(extra.unmatched, { baseline: [], candidate: ['y'] });
});

test('runs of different profiles or load are told apart from runs whose agents merely changed', () => {
  const base = syntheticRun().run;
  const resolved = (load: unknown, agents: unknown = {}) => ({ name: 'failover', load, agents });
  const load = {
    phases: [{ shape: 'constant', rate: 100, durationMs: 40_000 }],
    arrivals: 'uniform',
    intervalMs: 1000,
  };
  const b = { ...base, profile: { name: 'failover', resolved: resolved(load) } };

  const upgraded = {
    ...b,
    profile: { name: 'failover', resolved: resolved(load, { versions: { '2.0': { slowFactor: 1.3 } } }) },
  };
  const soft = profileDifferences(b, upgraded);
  assert.ok(soft.every((d) => !d.blocking));
  assert.ok(soft.some((d) => /agents\.versions/.test(d.text)));

  const renamed = { ...b, profile: { name: 'other', resolved: { ...resolved(load), name: 'other' } } };
  assert.deepEqual(
    profileDifferences(b, renamed)
      .filter((d) => d.blocking)
      .map((d) => d.text),
    ["profile 'failover' vs 'other'"],
  );

  const faster = {
    ...b,
    profile: {
      name: 'failover',
      resolved: resolved({ ...load, phases: [{ shape: 'constant', rate: 200, durationMs: 40_000 }] }),
    },
  };
  assert.ok(profileDifferences(b, faster).some((d) => d.blocking && /load schedule/.test(d.text)));

  const finer = {
    ...b,
    intervalMs: 500,
    profile: { name: 'failover', resolved: resolved({ ...load, intervalMs: 500 }) },
  };
  const interval = profileDifferences(b, finer);
  assert.ok(
    interval.every((d) => !d.blocking),
    'a different interval length is a note, not a different test',
  );
  assert.ok(interval.some((d) => /Interval length 1000 ms vs 500 ms/.test(d.text)));
});
