import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/load.js';
import { agentsFileSchema } from '../../src/protocol/agent-spec.js';

const profile = (versions: string) => `
name: upgrade
agents:
  list:
    - { name: old, version: "1.5.193.0" }
    - { name: new, version: "1.5.643.0" }
${versions}
load: { phases: [{ duration: 1s, shape: constant, rate: 1 }] }
`;

test('agents.versions gives a version label a performance profile with defaults filled in', () => {
  const p = parseProfile(
    profile('  versions:\n    "1.5.643.0": { slowFactor: 1.3 }\n    "2.0": { errorRate: 2% }'),
    'u.yaml',
  );
  assert.deepEqual(p.agents.versions, {
    '1.5.643.0': { slowFactor: 1.3, errorRate: 0 },
    '2.0': { slowFactor: 1, errorRate: 0.02 },
  });
  // What the sim target hands the simulator is an agents file the simulator accepts as is.
  const file = { agents: p.agents.list, versions: p.agents.versions };
  assert.equal(agentsFileSchema.safeParse(JSON.parse(JSON.stringify(file))).success, true);
});

test('without agents.versions the resolved profile has no versions key', () => {
  const p = parseProfile(profile(''), 'u.yaml');
  assert.equal('versions' in p.agents, false);
});

test('a bad version profile is refused naming the line and field', () => {
  assert.throws(
    () => parseProfile(profile('  versions:\n    "1.5.643.0": { slowFactor: -1 }'), 'u.yaml'),
    (err: unknown) =>
      err instanceof ProfileError &&
      /u\.yaml:8: agents\.versions\.1\.5\.643\.0\.slowFactor/.test(err.message),
  );
  assert.throws(
    () => parseProfile(profile('  versions:\n    "1.5.643.0": { slower: 2 }'), 'u.yaml'),
    (err: unknown) => err instanceof ProfileError && /slower/.test(err.message),
  );
});
