import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProfile } from '../../src/profile/load.js';
import { peakTargetRate, totalDurationMs } from '../../src/profile/phases.js';

const minimal = `
name: minimal
load:
  phases:
    - { duration: 10s, shape: constant, rate: 100/s }
`;

test('a minimal profile gets the documented defaults', () => {
  const p = parseProfile(minimal, 'minimal.yaml');
  assert.equal(p.target.kind, 'sim');
  if (p.target.kind !== 'sim') return;
  assert.equal(p.target.tenant, '8eaef023-2b34-4da1-9baa-8bc8c9d6a490');
  assert.equal(p.target.clientId, '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa');
  assert.equal(p.target.domain, 'contoso.test');
  assert.equal(p.target.tls, false);
  assert.equal(p.target.ptaTimeoutMs, 10_000);
  assert.equal(p.target.detectionDelayMs, 10_000);
  assert.deepEqual(p.target.lockout, { threshold: 10, durationMs: 60_000, growth: 2, hashTracking: false });
  assert.equal(p.target.directory.concurrency, 0);
  assert.deepEqual(p.users, { generate: 1000, states: {}, wrongPasswordShare: 0 });
  assert.equal(p.agents.list.length, 4);
  assert.deepEqual(p.agents.list[0], {
    name: 'agent-1',
    cores: 4,
    capacity: 350,
    version: '1.0.0',
    site: 'default',
  });
  assert.deepEqual(p.agents.timeline, []);
  assert.equal(p.load.workers, 'auto');
  assert.equal(p.load.connections, 1024);
  assert.equal(p.load.timeoutMs, 30_000);
  assert.equal(p.load.intervalMs, 1000);
  assert.equal(p.load.arrivals, 'poisson');
  assert.equal(p.load.lateThresholdMs, 5);
  assert.deepEqual(p.thresholds, []);
  assert.equal(p.sweep, undefined);
});

test('phases normalise to ms and per-second rates, unnamed ones get phase-<n>', () => {
  const p = parseProfile(
    `
name: shapes
load:
  phases:
    - { name: warm, duration: 1m30s, shape: constant, rate: 6000/min }
    - { duration: 20s, shape: ramp, from: 100/s, to: 800 }
    - { duration: 60s, shape: burst, base: 200/s, spike: 1200/s, width: 5s, every: 20s, offset: 2s }
    - { shape: step, start: 100/s, increment: 300/s, every: 30s, until: 1100/s }
`,
    'shapes.yaml',
  );
  assert.deepEqual(p.load.phases, [
    { name: 'warm', durationMs: 90_000, shape: 'constant', rate: 100 },
    { name: 'phase-2', durationMs: 20_000, shape: 'ramp', from: 100, to: 800 },
    {
      name: 'phase-3',
      durationMs: 60_000,
      shape: 'burst',
      base: 200,
      spike: 1200,
      widthMs: 5000,
      everyMs: 20_000,
      offsetMs: 2000,
    },
    // 100, 400, 700, 1000, then capped at 1100: five steps of 30 s.
    {
      name: 'phase-4',
      durationMs: 150_000,
      shape: 'step',
      start: 100,
      increment: 300,
      everyMs: 30_000,
      until: 1100,
    },
  ]);
  assert.equal(totalDurationMs(p), 320_000);
  assert.equal(peakTargetRate(p), 1200);
});

test('agents.count expands, custom capacity defaults scale with cores, versions stay strings', () => {
  const p = parseProfile(
    `
name: agents
agents:
  list:
    - { name: big, cores: 8, version: "1.5.193.0", site: dc1, host: pta01.corp.example }
    - { name: fixed, capacity: 500/s, version: 2 }
load: { phases: [{ duration: 1s, shape: constant, rate: 1 }] }
`,
    'agents.yaml',
  );
  assert.deepEqual(p.agents.list, [
    { name: 'big', cores: 8, capacity: 700, version: '1.5.193.0', site: 'dc1', host: 'pta01.corp.example' },
    { name: 'fixed', cores: 4, capacity: 500, version: '2', site: 'default' },
  ]);
  const counted = parseProfile(minimal.replace('load:', 'agents: { count: 2 }\nload:'), 'c.yaml');
  assert.deepEqual(
    counted.agents.list.map((a) => a.name),
    ['agent-1', 'agent-2'],
  );
});

test('the timeline is sorted by time and `add <name>` brings an agent back as it was', () => {
  const p = parseProfile(
    `
name: timeline
agents:
  list:
    - { name: a1, site: dc1 }
    - { name: a2, site: dc2, cores: 8 }
  timeline:
    - { at: 40s, action: add, agent: a2 }
    - { at: 10s, action: remove, agent: a2, mode: crash }
    - { at: 20s, action: degrade, agent: a1, slowFactor: 3, errorRate: 5% }
    - { at: 30s, action: restore, agent: a1 }
    - { at: 50s, action: fail-site, site: dc1 }
    - { at: 55s, action: restore-site, site: dc1 }
    - { at: 45s, action: remove, agent: a2 }
load: { phases: [{ duration: 1m, shape: constant, rate: 10/s }] }
`,
    't.yaml',
  );
  const tl = p.agents.timeline;
  assert.deepEqual(
    tl.map((e) => [e.atMs, e.action]),
    [
      [10_000, 'remove'],
      [20_000, 'degrade'],
      [30_000, 'restore'],
      [40_000, 'add'],
      [45_000, 'remove'],
      [50_000, 'fail-site'],
      [55_000, 'restore-site'],
    ],
  );
  assert.deepEqual(tl[0], { atMs: 10_000, action: 'remove', agent: 'a2', mode: 'crash' });
  assert.deepEqual(tl[1], { atMs: 20_000, action: 'degrade', agent: 'a1', slowFactor: 3, errorRate: 0.05 });
  assert.deepEqual(tl[3], {
    atMs: 40_000,
    action: 'add',
    agent: { name: 'a2', cores: 8, capacity: 700, version: '1.0.0', site: 'dc2' },
  });
  assert.deepEqual(tl[4], { atMs: 45_000, action: 'remove', agent: 'a2', mode: 'drain' });
  assert.deepEqual(tl[5], { atMs: 50_000, action: 'fail-site', site: 'dc1', mode: 'crash' });
});

test('a sweep repeats the phases per agent count', () => {
  const p = parseProfile(
    `
name: sweep
agents: { count: 4 }
load: { phases: [{ shape: step, start: 100/s, increment: 100/s, every: 10s, until: 500/s }] }
sweep: { agentCounts: [1, 2, 4], settle: 5s, stopWhen: { p99: 1s, errorRate: 1% } }
`,
    'sweep.yaml',
  );
  assert.deepEqual(p.sweep, {
    agentCounts: [1, 2, 4],
    settleMs: 5000,
    stopWhen: { p99Ms: 1000, errorRate: 0.01 },
  });
  assert.equal(totalDurationMs(p), 3 * 50_000 + 2 * 5000);
});

test('an entra target gets its safety defaults and a named cloud becomes its URL', () => {
  const p = parseProfile(
    `
name: real
target:
  kind: entra
  tenant: contoso.onmicrosoft.com
  clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa
  authorityHost: usgov
  confirmTenant: contoso.onmicrosoft.com
users: { file: users.csv, wrongPasswordShare: 1% }
load: { phases: [{ duration: 1m, shape: constant, rate: 5/s }] }
`,
    'real.yaml',
  );
  assert.equal(p.target.kind, 'entra');
  if (p.target.kind !== 'entra') return;
  assert.equal(p.target.authorityHost, 'https://login.microsoftonline.us');
  assert.equal(p.target.scope, 'openid profile');
  assert.equal(p.target.maxRate, 20);
  assert.deepEqual(p.target.pacing, { perUserPerMinute: 4, wrongPerUserPerHour: 2 });
  assert.deepEqual(p.target.breakers, { lockedShare: 0.01, throttledShare: 0.1, ptaFailureShare: null });
  assert.deepEqual(p.users, { file: 'users.csv', wrongPasswordShare: 0.01 });
  assert.deepEqual(p.agents.list, [], 'a real tenant has no agents unless the profile lists them');
});

test('JSON profiles parse the same as YAML', () => {
  const json = JSON.stringify({
    name: 'json',
    load: { phases: [{ duration: '10s', shape: 'constant', rate: '100/s' }] },
  });
  assert.deepEqual(parseProfile(json, 'p.json'), parseProfile(minimal.replace('minimal', 'json'), 'p.yaml'));
});
