import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/load.js';
import { totalDurationMs } from '../../src/profile/phases.js';

const sweep = (refine: string, interval = '1s') => `name: s
agents: { count: 2 }
load:
  interval: ${interval}
  phases:
    - { shape: step, start: 100/s, increment: 100/s, every: 6s, until: 400/s }
sweep:
  agentCounts: [1, 2]
  settle: 2s
  refine: ${refine}
`;

function refuse(text: string): string {
  try {
    parseProfile(text, 'sweep.yaml');
  } catch (err) {
    assert.ok(err instanceof ProfileError, String(err));
    return err.message;
  }
  return assert.fail('the profile should have been refused');
}

test('sweep.refine defaults to 2 %, 5 probes of 6 s, and the run bound counts the probes', () => {
  const profile = parseProfile(sweep('{}'), 'sweep.yaml');
  assert.deepEqual(profile.sweep?.refine, { within: 0.02, probes: 5, holdMs: 6000 });
  // 2 counts × (24 s of steps + 5 probes × (6 s lead-in + 6 s hold + 2 s settle)) + 1 settle between counts.
  assert.equal(totalDurationMs(profile), 2 * (24_000 + 5 * 14_000) + 2000);
});

test('a lead-in never has more than 20 intervals, so it cannot pass for a step', () => {
  const profile = parseProfile(sweep('{ hold: 60s, probes: 1 }', '250ms'), 'sweep.yaml');
  // 20 intervals of 250 ms = 5 s of lead-in before each 60 s hold.
  assert.equal(totalDurationMs(profile), 2 * (24_000 + 65_000 + 2000) + 2000);
});

test('probes closer than 2 % are refused, naming the field', () => {
  assert.match(refuse(sweep('{ within: 1% }')), /sweep\.refine\.within: must be at least 2%/);
});

test('a hold shorter than 4 intervals is refused with the shortest that can be judged', () => {
  assert.match(
    refuse(sweep('{ hold: 3s }')),
    /sweep\.refine\.hold: 3s holds fewer than 4 intervals of 1s; make it at least 4s/,
  );
});

test('unknown refine keys are refused', () => {
  assert.match(refuse(sweep('{ step: 10/s }')), /sweep\.refine/);
});
