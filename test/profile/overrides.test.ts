import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PtaloadError } from '../../src/errors.js';
import { checkFields, finishProfile, profileDocument } from '../../src/profile/load.js';
import { applyLoadOverrides, type LoadOverrides } from '../../src/profile/overrides.js';
import { peakTargetRate, phasesDurationMs } from '../../src/profile/phases.js';

const PROFILE = `name: o
agents:
  count: 3
  timeline:
    - { at: 30s, action: remove, agent: agent-3 }
load:
  phases:
    - { name: up, duration: 20s, shape: ramp, from: 10/s, to: 100/s }
    - { name: storm, duration: 40s, shape: burst, base: 100/s, spike: 400/s, width: 5s, every: 10s, offset: 2s }
    - { name: steps, shape: step, start: 50/s, increment: 50/s, every: 10s, until: 200/s }
`;

/** The profile as `run` would play it with these overrides (cross-checked, defaults resolved). */
function withOverrides(o: LoadOverrides, text = PROFILE) {
  const doc = profileDocument(text, 'o.yaml', '', '');
  return finishProfile(applyLoadOverrides(checkFields(doc), o), doc, ['--flags']);
}

test('--rate scales every phase by one factor, so the peak is the rate and the shapes keep their form', () => {
  const p = withOverrides({ rate: 100 });
  assert.equal(peakTargetRate(p), 100);
  const [up, storm, steps] = p.load.phases;
  assert.ok(up?.shape === 'ramp' && storm?.shape === 'burst' && steps?.shape === 'step');
  assert.deepEqual([up.from, up.to], [2.5, 25]);
  assert.deepEqual([storm.base, storm.spike], [25, 100]);
  assert.deepEqual([steps.start, steps.increment, steps.until], [12.5, 12.5, 50]);
  assert.equal(phasesDurationMs(p), 100_000, 'time is left alone');
});

test('--duration scales the run clock: phases, spikes, steps and timeline, keeping the peak and the step count', () => {
  const p = withOverrides({ durationMs: 10_000 });
  assert.equal(phasesDurationMs(p), 10_000);
  assert.equal(peakTargetRate(p), 400);
  const [up, storm, steps] = p.load.phases;
  assert.ok(up?.shape === 'ramp' && storm?.shape === 'burst' && steps?.shape === 'step');
  assert.equal(up.durationMs, 2000);
  assert.deepEqual([storm.durationMs, storm.widthMs, storm.everyMs, storm.offsetMs], [4000, 500, 1000, 200]);
  assert.deepEqual([steps.durationMs, steps.everyMs], [4000, 1000]);
  assert.equal(p.agents.timeline[0]?.atMs, 3000);
});

test('a duration that does not divide evenly still keeps whole steps (no sliver of one more step)', () => {
  const p = withOverrides({ durationMs: 7000 });
  const steps = p.load.phases[2];
  assert.ok(steps?.shape === 'step');
  assert.equal(Math.round(steps.durationMs / steps.everyMs), 4);
  assert.ok(Math.abs(steps.durationMs / steps.everyMs - 4) < 1e-9);
  assert.ok(Math.abs(phasesDurationMs(p) - 7000) < 0.01);
});

test('--agents replaces the initial count; the cross-checks then judge the timeline against it', () => {
  assert.equal(withOverrides({ agents: 5 }).agents.list.length, 5);
  assert.throws(
    () => withOverrides({ agents: 2 }),
    (e: PtaloadError) => {
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /o\.yaml:5: agents\.timeline\[0\]\.agent: no agent named 'agent-3'/);
      assert.match(e.message, /\(with --flags applied\)/);
      return true;
    },
  );
});

test('--agents keeps the first n of a list, refuses more than the list has, and refuses a real tenant', () => {
  const listed = `name: l
agents: { list: [{ name: a, site: dc1 }, { name: b, site: dc2 }, { name: c, site: dc2 }] }
load: { phases: [{ duration: 1s, shape: constant, rate: 1/s }] }
`;
  assert.deepEqual(
    withOverrides({ agents: 2 }, listed).agents.list.map((a) => a.name),
    ['a', 'b'],
  );
  assert.throws(() => withOverrides({ agents: 4 }, listed), /lists 3 agent\(s\).*--agents 1 to 3/);
  const entra = `name: e
target: { kind: entra, tenant: contoso.onmicrosoft.com, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa }
users: { file: u.csv }
load: { phases: [{ duration: 1s, shape: constant, rate: 1/s }] }
`;
  assert.throws(
    () => withOverrides({ agents: 2 }, entra),
    /--agents sets how many agents the simulated tenant/,
  );
});

test('--rate on a profile without any load is refused: there is no curve to scale', () => {
  const idle = 'name: i\nload: { phases: [{ duration: 1s, shape: constant, rate: 0/s }] }\n';
  assert.throws(() => withOverrides({ rate: 10 }, idle), /every phase of this profile has rate 0/);
});

test('--duration that squeezes spikes below a millisecond is refused', () => {
  assert.throws(() => withOverrides({ durationMs: 5 }), /squeezes phase storm's width below 1ms/);
});
