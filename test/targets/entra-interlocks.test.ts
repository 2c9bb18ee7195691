import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PtaloadError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/load.js';
import type { EntraTarget, Profile } from '../../src/profile/schema.js';
import { isLoopbackHost, parseAuthority } from '../../src/targets/entra/authority.js';
import { firstHop } from '../../src/targets/entra/first-hop.js';
import { confirmRefusal, loadRefusals } from '../../src/targets/entra/interlocks.js';
import { cloudLockout, lockoutBudget } from '../../src/targets/entra/lockout-budget.js';

const TENANT = 'contoso.onmicrosoft.com';

function entraProfile(extra: string, phases = '[{ duration: 10s, shape: constant, rate: 10/s }]'): Profile {
  return parseProfile(
    `
name: t
target:
  kind: entra
  tenant: ${TENANT}
  clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa
${extra}
users: { file: users.csv }
load: { phases: ${phases} }
`,
    't.yaml',
  );
}

test('only literal loopback addresses count as loopback: names are not trusted before a lookup', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '[::1]', '::1', '[::ffff:7f00:1]'])
    assert.ok(isLoopbackHost(h), h);
  for (const h of [
    'localhost',
    'login.microsoftonline.com',
    '10.0.0.1',
    '128.0.0.1',
    'tenant.invalid',
    '[::2]',
  ]) {
    assert.equal(isLoopbackHost(h), false, h);
  }
});

test('authorities: clouds by name, https anywhere, plain http only to a loopback address', () => {
  assert.equal(parseAuthority('public', 'x').url, 'https://login.microsoftonline.com');
  assert.equal(parseAuthority('usgov', 'x').url, 'https://login.microsoftonline.us');
  const sim = parseAuthority('https://127.0.0.1:4443/', 'x');
  assert.deepEqual(sim, { url: 'https://127.0.0.1:4443', origin: 'https://127.0.0.1:4443', loopback: true });
  assert.equal(parseAuthority('http://127.0.0.1:8080', 'x').loopback, true);
  assert.equal(parseAuthority('https://login.microsoftonline.com', 'x').loopback, false);
  assert.throws(
    () => parseAuthority('http://login.example.com', '--authority-host'),
    (e: PtaloadError) => {
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /--authority-host .*plain http.*not a loopback/);
      return true;
    },
  );
  assert.throws(() => parseAuthority('ftp://127.0.0.1', 'x'), /https/);
  assert.throws(
    () => parseAuthority('https://user:pw@h.example', 'x'),
    /without query, fragment or credentials/,
  );
});

test('a non-loopback authority needs --confirm-tenant repeating the tenant; loopback does not', () => {
  const real = firstHop(parseAuthority('public', 'x'), {});
  const local = firstHop(parseAuthority('https://127.0.0.1:1', 'x'), {});
  assert.equal(confirmRefusal(TENANT, local, undefined), undefined);
  const missing = confirmRefusal(TENANT, real, undefined);
  assert.match(missing ?? '', /--confirm-tenant contoso\.onmicrosoft\.com/);
  assert.match(missing ?? '', /not enough on its own/);
  assert.match(confirmRefusal(TENANT, real, 'fabrikam.onmicrosoft.com') ?? '', /does not match/);
  assert.equal(
    confirmRefusal(TENANT, real, 'CONTOSO.onmicrosoft.com'),
    undefined,
    'tenant names ignore case',
  );
});

test('the first hop decides: a proxy in front of a loopback authority makes it remote, unless NO_PROXY covers it', () => {
  const sim = parseAuthority('https://127.0.0.1:4443', 'x');
  const proxied = firstHop(sim, { HTTPS_PROXY: 'http://proxy.example:3128' });
  assert.equal(proxied.local, false);
  assert.equal(proxied.proxy?.uri, 'http://proxy.example:3128/');
  const refusal = confirmRefusal(TENANT, proxied, undefined) ?? '';
  assert.match(refusal, /--confirm-tenant contoso\.onmicrosoft\.com/);
  assert.match(refusal, /proxy http:\/\/proxy\.example:3128\/ first/);
  assert.match(refusal, /NO_PROXY/);
  // A proxy on this machine is still a forwarder to wherever it likes.
  assert.equal(firstHop(sim, { https_proxy: 'http://127.0.0.1:3128' }).local, false);
  const exempt = firstHop(sim, { HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: '127.0.0.1' });
  assert.deepEqual([exempt.local, exempt.proxy], [true, undefined]);
  assert.equal(confirmRefusal(TENANT, exempt, undefined), undefined);
  // An http proxy does not apply to an https authority (curl's reading), so the hop stays direct.
  assert.equal(firstHop(sim, { HTTP_PROXY: 'http://proxy.example:3128' }).local, true);
});

test('plain http through a proxy is refused even when confirmed: the password would reach the proxy in clear', () => {
  const plain = parseAuthority('http://127.0.0.1:8080', 'x');
  assert.throws(
    () => firstHop(plain, { http_proxy: 'http://proxy.example:3128' }),
    (e: PtaloadError) => {
      assert.equal(e.exitCode, 3);
      assert.match(e.message, /plain http.*proxy http:\/\/proxy\.example:3128\/.*unencrypted.*NO_PROXY/);
      return true;
    },
  );
  assert.equal(
    firstHop(plain, { http_proxy: 'http://proxy.example:3128', no_proxy: '127.0.0.1' }).local,
    true,
  );
});

test('load refusals: over the cap, too few users for pacing, too few for the wrong-password share', () => {
  const p = entraProfile('  maxRate: 20/s');
  const t = p.target as EntraTarget;
  const ok = loadRefusals({ target: t, profile: p, userCount: 150, usersName: 'users.csv' });
  assert.deepEqual(ok, [], '10/s × 60 / 4 = 150 users is exactly enough');
  const few = loadRefusals({ target: t, profile: p, userCount: 149, usersName: 'users.csv' });
  assert.equal(few.length, 1);
  assert.match(few[0]!, /users\.csv has 149 user\(s\).*at least 150 users/);

  const over = loadRefusals({ target: { ...t, maxRate: 5 }, profile: p, userCount: 1000, usersName: 'u' });
  assert.match(over.join(' '), /peaks at 10\/s but the safety cap is 5\/s/);

  const wrongShare = { ...p, users: { ...p.users, wrongPasswordShare: 0.1 } };
  // 10 s at 10/s = 100 sign-ins, 10 % wrong = 10 wrong passwords; 2 per user per hour needs 5 users.
  const paced = { ...t, pacing: { perUserPerMinute: 60, wrongPerUserPerHour: 2 } };
  assert.deepEqual(loadRefusals({ target: paced, profile: wrongShare, userCount: 10, usersName: 'u' }), []);
  const tooFew = loadRefusals({ target: paced, profile: wrongShare, userCount: 4, usersName: 'u' });
  assert.match(tooFew.join(' '), /needs at least 5 users/);
  const none = { ...paced, pacing: { perUserPerMinute: 60, wrongPerUserPerHour: 0 } };
  assert.match(
    loadRefusals({ target: none, profile: wrongShare, userCount: 1000, usersName: 'u' }).join(' '),
    /wrongPerUserPerHour is 0/,
  );
});

test('lockout budget: half the lowest threshold in play (10 public, 3 US Government, or lower as the profile says)', () => {
  assert.equal(cloudLockout('https://login.microsoftonline.com').threshold, 10);
  assert.equal(cloudLockout('https://login.microsoftonline.us').threshold, 3);
  const pub = entraProfile('').target as EntraTarget;
  assert.deepEqual([lockoutBudget(pub).lowest, lockoutBudget(pub).perUserPerRun], [10, 5]);
  const gov = entraProfile('  authorityHost: usgov').target as EntraTarget;
  assert.deepEqual([lockoutBudget(gov).lowest, lockoutBudget(gov).perUserPerRun], [3, 1]);
  const ad = entraProfile('  pacing: { onPremLockoutThreshold: 6 }').target as EntraTarget;
  assert.deepEqual([lockoutBudget(ad).lowest, lockoutBudget(ad).perUserPerRun], [6, 3]);
  assert.match(lockoutBudget(ad).why, /on-prem AD lockout threshold 6/);
});

test('pacing refuses, with the arithmetic, wrong passwords that would reach the lockout threshold', () => {
  // 5 min at 10/s = 3000 sign-ins; 50 % wrong = 1500 over 150 users = 10 per user: the public threshold.
  const p = entraProfile('', '[{ duration: 5m, shape: constant, rate: 10/s }]');
  const wrong = { ...p, users: { ...p.users, wrongPasswordShare: 0.5 } };
  const t = { ...(p.target as EntraTarget), pacing: { perUserPerMinute: 60, wrongPerUserPerHour: 2 } };
  const refusals = loadRefusals({ target: t, profile: wrong, userCount: 150, usersName: 'users.csv' });
  const text = refusals.join(' ');
  assert.match(text, /users\.wrongPasswordShare 50% of about 3000 sign-ins/);
  assert.match(
    text,
    /about 1500 wrong passwords; over the 150 user\(s\) of users\.csv that is 10 per user in the run, which reaches smart lockout's 10 in the public cloud/,
  );
  assert.match(text, /every wrong password counts/);
  assert.match(text, /at least 300\)/, '1500 / 5 per user');

  // The same load in US Government: a threshold of 3, so at most 1 wrong password per user.
  const gov = { ...t, authorityHost: 'https://login.microsoftonline.us' };
  const few = { ...p, users: { ...p.users, wrongPasswordShare: 0.01 } };
  const govText = loadRefusals({ target: gov, profile: few, userCount: 20, usersName: 'u' }).join(' ');
  assert.match(
    govText,
    /30 wrong passwords; over the 20 user\(s\) of u that is 1\.5 per user.*smart lockout's 3 in the US Government cloud/,
  );
  assert.match(
    govText,
    /wrongPerUserPerHour 2 would let one user get 2 wrong passwords in an hour/,
    'hourly 2 of 3 is not well below',
  );
  assert.deepEqual(
    loadRefusals({ target: gov, profile: few, userCount: 3000, usersName: 'u' }).filter((r) =>
      /lockout/.test(r),
    ).length,
    1,
  );

  // A threshold above the cloud's is refused when the profile is read (tighten-only); the budget ignores it too.
  const loosened = { ...t, pacing: { ...t.pacing, lockoutThreshold: 20 } };
  assert.equal(lockoutBudget(loosened).lowest, 10);
});
