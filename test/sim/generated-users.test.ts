import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserDirectory } from '../../src/sim/user-directory.js';
import { generateUserColumns, generateUsers } from '../../src/users/generate.js';
import { admin, ropc, sim } from './sim-client.js';

const RECIPE = {
  count: 120_000,
  domain: 'contoso.test',
  states: { disabled: 0.1, mfa: 0.05, expired: 0.02 },
};
const SEED = 'gen-42';

/** Spread over the whole list, ends included. */
function samples(count: number): number[] {
  const out = [0, 1, count - 2, count - 1];
  for (let k = 1; k < 60; k++) out.push(Math.floor((k * count) / 60) + (k % 7));
  return out;
}

test("the simulator's derived directory holds the harness's users exactly, found without case", () => {
  const harness = generateUserColumns({ ...RECIPE, seed: SEED });
  const dir = new UserDirectory('contoso.test');
  dir.derive(RECIPE, SEED);
  assert.equal(dir.size, RECIPE.count);
  const states = new Set<string>();
  for (const i of samples(RECIPE.count)) {
    const want = harness.user(i);
    const got = dir.find(want.username.toUpperCase());
    assert.ok(got, `user ${i} (${want.username}) is in the directory`);
    assert.equal(got.username, want.username);
    assert.equal(got.password, want.password, `user ${i}'s password matches`);
    assert.equal(got.state, want.state);
    states.add(got.state);
  }
  assert.ok(states.size >= 2, 'the samples cover more than one state');
  for (const name of [
    'loadtest000000@contoso.test',
    'loadtest120001@contoso.test',
    'loadtest0001@contoso.test',
    'loadtest000001@other.test',
    'x000001@contoso.test',
  ]) {
    assert.equal(dir.find(name), undefined, `${name} is not a generated user`);
  }
});

test('columns and the list form of the generator agree user for user', () => {
  const opts = { count: 3000, domain: 'fabrikam.test', seed: 9, states: { 'ca-blocked': 0.2 } };
  assert.deepEqual(generateUserColumns(opts).toArray(), generateUsers(opts));
});

test('over HTTP, a sim launched with a recipe signs in the harness-derived users and refuses wrong passwords', async () => {
  const s = await sim({ users: [], generate: RECIPE, seed: SEED });
  const harness = generateUserColumns({ ...RECIPE, seed: SEED });
  let active = 0;
  for (const i of samples(RECIPE.count).slice(0, 25)) {
    const u = harness.user(i);
    const r = await ropc(s, { username: u.username, password: u.password });
    if (u.state === 'active') {
      assert.equal(r.status, 200, `active user ${i} signs in`);
      active++;
    } else assert.notEqual(r.status, 200, `${u.state} user ${i} is refused`);
  }
  assert.ok(active > 0);
  let last = harness.count - 1;
  while (harness.state(last) !== 'active') last--;
  const wrong = await ropc(s, { username: harness.username(last), password: `${harness.password(last)}x` });
  assert.equal(wrong.code, 50126, 'a wrong password for a derived user is 50126');
  // A user loaded over the admin API replaces the generated one of the same name.
  const name = harness.username(5);
  assert.equal(
    (
      await admin(s, 'POST', '/_sim/users', {
        users: [{ username: name, password: 'Replaced-9', state: 'active' }],
      })
    ).status,
    204,
  );
  assert.equal((await ropc(s, { username: name, password: 'Replaced-9' })).status, 200);
  assert.notEqual((await ropc(s, { username: name, password: harness.password(5) })).status, 200);
});
