import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/load.js';

/** The message parseProfile throws for `text` (which must be refused with a ProfileError). */
function refuse(text: string, name = 'profiles/burst.yaml'): string {
  try {
    parseProfile(text, name);
  } catch (err) {
    assert.ok(err instanceof ProfileError, `expected a ProfileError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.message;
  }
  return assert.fail('the profile should have been refused');
}

const phases = (lines: string) => `name: burst\nload:\n  phases:\n${lines}`;

test('a bad rate names the file, the line, the field path and the grammar', () => {
  const message = refuse(
    phases(
      [
        '    - { duration: 10s, shape: constant, rate: 100/s }',
        '    - { duration: 10s, shape: constant, rate: 100/s }',
        "    - { duration: 10s, shape: constant, rate: '200 per second' }",
      ].join('\n'),
    ),
  );
  assert.equal(
    message,
    "profiles/burst.yaml:6: load.phases[2].rate: expected a rate like 200/s, 12000/min or 3/h, or a number per second, got '200 per second'",
  );
});

test('block-style YAML points at the exact line of the bad value', () => {
  const message = refuse(
    [
      'name: x',
      'load:',
      '  phases:',
      '    - duration: 10s',
      '      shape: constant',
      '      rate: 100/s',
      '    - duration: ten',
      '      shape: constant',
      '      rate: 1',
    ].join('\n'),
  );
  assert.match(
    message,
    /^profiles\/burst\.yaml:7: load\.phases\[1\]\.duration: expected a duration like 500ms, 90s/,
  );
});

test('unknown fields are named with a did-you-mean and the line of the key', () => {
  const message = refuse(
    [
      'name: x',
      'load:',
      '  phases:',
      '    - { duration: 1s, shape: constant, rate: 1 }',
      '  interval: 1s',
      '  worker: 2',
    ].join('\n'),
  );
  assert.match(
    message,
    /^profiles\/burst\.yaml:6: load: unknown field 'worker' \(did you mean 'workers'\?\)/,
  );
});

test('missing required fields, wrong types and enum values are explained', () => {
  assert.match(
    refuse('load:\n  phases:\n    - { duration: 1s, shape: constant, rate: 1 }\n'),
    /profiles\/burst\.yaml:1: name: missing; expected text/,
  );
  assert.match(refuse('name: x\n'), /load: missing/);
  assert.match(
    refuse(phases('    - { duration: 1s, shape: wave, rate: 1 }')),
    /load\.phases\[0\]\.shape: expected shape to be constant, ramp, burst or step, got 'wave'/,
  );
  assert.match(
    refuse(`${phases('    - { duration: 1s, shape: constant, rate: 1 }')}\n  arrivals: random`),
    /load\.arrivals: expected one of 'uniform', 'poisson', got 'random'/,
  );
  assert.match(
    refuse(`${phases('    - { duration: 1s, shape: constant, rate: 1 }')}\n  workers: many`),
    /load\.workers: expected a number of worker threads/,
  );
  assert.match(
    refuse(`${phases('    - { duration: 1s, shape: constant }')}`),
    /load\.phases\[0\]\.rate: missing/,
  );
  assert.match(
    refuse('name: has spaces\nload: { phases: [{ duration: 1s, shape: constant, rate: 1 }] }'),
    /name: expected a profile name/,
  );
  assert.match(refuse('name: x\nload:\n  phases: []\n'), /load\.phases: needs at least one phase/);
});

test('shares and durations out of range say so', () => {
  const base = 'name: x\nload: { phases: [{ duration: 1s, shape: constant, rate: 1 }] }\n';
  assert.match(
    refuse(`${base}users: { wrongPasswordShare: 2 }`),
    /users\.wrongPasswordShare: .*got 2 \(did you mean '2%'\?\)/,
  );
  assert.match(
    refuse(base.replace('}] }', '}], interval: 10ms }')),
    /load\.interval: must be at least 100ms and at most 1m/,
  );
  assert.match(
    refuse(phases('    - { duration: 1s, shape: burst, base: 1, spike: 2, width: 5s, every: 2s }')),
    /load\.phases\[0\]\.width: must not be longer than every/,
  );
  assert.match(
    refuse(phases('    - { shape: step, start: 500/s, increment: 10/s, every: 2s, until: 100/s }')),
    /load\.phases\[0\]\.until: must not be lower than start/,
  );
});

test('thresholds report the expression and its index', () => {
  const message = refuse(
    `${phases('    - { duration: 1s, shape: constant, rate: 1 }')}\nthresholds:\n  - "p99 < 1s"\n  - "p99 < 800"\n`,
  );
  assert.equal(
    message,
    "profiles/burst.yaml:7: thresholds[1]: expected a latency with a unit like 800ms or 1.5s, got '800' in 'p99 < 800'",
  );
});

test('several problems are listed one per line in file order', () => {
  const message = refuse(
    phases(
      [
        '    - { duration: 1s, shape: constant, rate: fast }',
        '    - { duration: x, shape: constant, rate: 1 }',
      ].join('\n'),
    ),
  );
  const lines = message.split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^profiles\/burst\.yaml:4: load\.phases\[0\]\.rate/);
  assert.match(lines[1]!, /^profiles\/burst\.yaml:5: load\.phases\[1\]\.duration/);
});

test('cross-checks: timeline names, sites, times, users and target rules', () => {
  const agents = (timeline: string) =>
    `name: x\nagents:\n  list:\n    - { name: a1, site: dc1 }\n    - { name: a2, site: dc2 }\n  timeline:\n${timeline}\nload: { phases: [{ duration: 1m, shape: constant, rate: 10/s }] }\n`;
  assert.match(
    refuse(agents('    - { at: 10s, action: remove, agent: a9 }')),
    /:7: agents\.timeline\[0\]\.agent: no agent named 'a9' at 10s \(agents then: a1, a2\)/,
  );
  assert.match(
    refuse(
      agents('    - { at: 10s, action: remove, agent: a2 }\n    - { at: 20s, action: degrade, agent: a2 }'),
    ),
    /agents\.timeline\[1\]\.agent: agent 'a2' was already removed at 10s/,
  );
  assert.match(
    refuse(agents('    - { at: 2m, action: remove, agent: a2 }')),
    /agents\.timeline\[0\]\.at: 2m is not before the end of the run \(1m\)/,
  );
  assert.match(
    refuse(agents('    - { at: 5s, action: fail-site, site: dc9 }')),
    /agents\.timeline\[0\]\.site: no running agent is in site 'dc9' \(sites then: dc1, dc2\)/,
  );
  assert.match(
    refuse(agents('    - { at: 5s, action: restore-site, site: dc1 }')),
    /site 'dc1' has not failed/,
  );
  assert.match(
    refuse(agents('    - { at: 5s, action: add, agent: { name: a1 } }')),
    /agent 'a1' is already running at 5s/,
  );
  assert.match(
    refuse(agents('    - { at: 5s, action: add, agent: a7 }')),
    /no earlier agent named 'a7' to bring back/,
  );

  const base = 'name: x\nload: { phases: [{ duration: 1m, shape: constant, rate: 10/s }] }\n';
  assert.match(
    refuse(`${base}agents: { count: 2, list: [{ name: a }] }`),
    /agents\.list: give either agents\.count or agents\.list/,
  );
  assert.match(
    refuse(`${base}agents: { list: [{ name: a }, { name: a }] }`),
    /agents\.list\[1\]\.name: duplicate agent name 'a' \(also agents\.list\[0\]\)/,
  );
  assert.match(
    refuse(`${base}users: { generate: 10, file: u.csv }`),
    /users: give either users\.generate or users\.file/,
  );
  assert.match(
    refuse(`${base}thresholds: ["agent-9: p99 < 1s"]`),
    /thresholds\[0\]: no agent named 'agent-9'/,
  );
  assert.match(
    refuse(`${base}agents: { count: 2 }\nsweep: { agentCounts: [1, 4] }`),
    /sweep\.agentCounts\[1\]: 4 agents asked for but the profile has 2/,
  );
  assert.match(
    refuse(`${base}agents: { hooks: { remove: "echo {name}" } }`),
    /agents\.hooks: hooks apply to the entra target only/,
  );
});

test('entra cross-checks: users file, no generated users, interlock, rate cap, hooks', () => {
  const entra = (extra: string, users = 'users: { file: users.csv }') =>
    `name: x\ntarget: { kind: entra, tenant: contoso.onmicrosoft.com, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa${extra} }\n${users}\nload: { phases: [{ duration: 1m, shape: constant, rate: 10/s }] }\n`;
  assert.doesNotThrow(() => parseProfile(entra(''), 'ok.yaml'));
  assert.match(refuse(entra('', '')), /users: the entra target needs users\.file/);
  assert.match(
    refuse(entra('', 'users: { generate: 100 }')),
    /users\.generate: generated users exist only in the sim/,
  );
  assert.match(
    refuse(entra(', confirmTenant: fabrikam.onmicrosoft.com')),
    /target\.confirmTenant: must repeat target\.tenant exactly/,
  );
  assert.match(
    refuse(entra(', maxRate: 5/s')),
    /target\.maxRate: the load peaks at 10\/s but the safety cap is 5\/s/,
  );
  assert.match(
    refuse(entra(', authorityHost: http://127.0.0.1:8443')),
    /target\.authorityHost: expected public, usgov, china or an https:\/\/ URL/,
  );
  assert.match(
    refuse(entra(', clientSecretEnv: "s3cr3t value!"')),
    /clientSecretEnv: expected the NAME of an environment variable .*\(hidden\)/,
  );
  assert.doesNotMatch(
    refuse(entra(', clientSecretEnv: "s3cr3t value!"')),
    /s3cr3t/,
    'a secret pasted by mistake is not echoed',
  );
  const withTimeline = entra('').replace(
    'users:',
    'agents:\n  list: [{ name: a1, host: pta01 }]\n  timeline: [{ at: 5s, action: remove, agent: a1 }]\nusers:',
  );
  assert.match(
    refuse(withTimeline),
    /agents\.timeline\[0\]\.action: the entra target changes agents only through hooks: set agents\.hooks\.remove/,
  );
});

test('syntax errors point at their line, for YAML and for JSON', () => {
  assert.match(refuse('name: x\nload:\n  phases: [\n', 'p.yaml'), /^p\.yaml:\d+: not valid YAML: /);
  assert.match(
    refuse('{\n  "name": "x",\n  "load": \n}', 'p.json'),
    /^p\.json(:\d+)?: not valid (JSON|YAML)/,
  );
  assert.match(refuse('', 'empty.yaml'), /^empty\.yaml: the profile is empty/);
  assert.match(
    refuse('name: a\nname: b\nload: { phases: [] }', 'dup.yaml'),
    /^dup\.yaml:2: not valid YAML: Map keys must be unique/,
  );
});
