import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScopeValidator } from '../../src/sim/scope.js';

const APP = '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa';
const v = new ScopeValidator(APP);

test('OpenID scopes alone give a Graph token with User.Read, and decide which tokens come back', () => {
  const g = v.check('openid profile offline_access');
  assert.ok(g.valid);
  assert.equal(g.audience, 'https://graph.microsoft.com');
  assert.equal(g.scope, 'User.Read openid profile email', 'short Graph names, and email comes with openid');
  const mixed = v.check('User.Read https://graph.microsoft.com/Mail.Read profile');
  assert.ok(mixed.valid);
  assert.equal(mixed.scope, 'User.Read Mail.Read profile');
  assert.deepEqual([g.idToken, g.refreshToken], [true, true]);
  const bare = v.check('profile');
  assert.ok(bare.valid);
  assert.deepEqual([bare.idToken, bare.refreshToken], [false, false]);
});

test('Graph permissions may be bare or full URIs; .default stands alone per resource', () => {
  const named = v.check('User.Read https://graph.microsoft.com/Mail.Read');
  assert.ok(named.valid);
  assert.equal(named.scp, 'User.Read Mail.Read');
  assert.ok(v.check('https://graph.microsoft.com/.default openid').valid);
  assert.deepEqual(v.check('https://graph.microsoft.com/.default User.Read'), {
    valid: false,
    offending: 'https://graph.microsoft.com/.default',
  });
});

test("the app's own scopes are accepted, another app's are not, and two resources cannot mix", () => {
  const own = v.check(`api://${APP}/.default`);
  assert.ok(own.valid);
  assert.equal(own.audience, APP);
  assert.ok(v.check(`${APP.toUpperCase()}/.default`).valid, 'GUIDs compare without case');
  assert.equal(v.check('api://11111111-1111-1111-1111-111111111111/.default').valid, false);
  assert.equal(v.check(`User.Read ${APP}/.default`).valid, false);
  for (const bad of ['bogus', '.default', 'https://evil.test/.default', 'User']) {
    assert.deepEqual(v.check(bad), { valid: false, offending: bad }, bad);
  }
});
