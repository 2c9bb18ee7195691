import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsersError } from '../../src/errors.js';
import { generateUsers, PASSWORD_CLASSES } from '../../src/users/generate.js';

test('the same seed gives the same users; another seed gives other passwords', () => {
  const a = generateUsers({ count: 50, domain: 'contoso.test', seed: 7 });
  const b = generateUsers({ count: 50, domain: 'contoso.test', seed: 7 });
  const c = generateUsers({ count: 50, domain: 'contoso.test', seed: '7b' });
  assert.deepEqual(a, b);
  assert.deepEqual(
    a.map((u) => u.username),
    c.map((u) => u.username),
  );
  const same = a.filter((u, i) => u.password === c[i]!.password).length;
  assert.equal(same, 0);
});

test('usernames are numbered UPNs in the domain, padded so they sort', () => {
  const users = generateUsers({ count: 3, domain: 'contoso.test', seed: 1 });
  assert.deepEqual(
    users.map((u) => u.username),
    ['loadtest00001@contoso.test', 'loadtest00002@contoso.test', 'loadtest00003@contoso.test'],
  );
  const wide = generateUsers({ count: 123_456, domain: 'fabrikam.example', seed: 1, prefix: 'pta' });
  assert.equal(wide[0]!.username, 'pta000001@fabrikam.example');
  assert.equal(wide.at(-1)!.username, 'pta123456@fabrikam.example');
  assert.equal(new Set(wide.map((u) => u.username)).size, wide.length);
});

test('passwords are long, use all four classes, avoid CSV and shell trouble, and differ', () => {
  const users = generateUsers({ count: 2000, domain: 'contoso.test', seed: 'strength' });
  for (const { password } of users) {
    assert.ok(password.length >= 16, 'at least 16 characters');
    for (const set of PASSWORD_CLASSES)
      assert.ok(
        [...password].some((ch) => set.includes(ch)),
        `has one of ${set}`,
      );
    assert.doesNotMatch(password, /[,"'`\\\s$&|;<>()]/, 'no quoting trouble');
  }
  assert.equal(new Set(users.map((u) => u.password)).size, users.length);
  // Roughly uniform: no single character dominates the first position.
  const firsts = new Map<string, number>();
  for (const u of users) firsts.set(u.password[0]!, (firsts.get(u.password[0]!) ?? 0) + 1);
  assert.ok(Math.max(...firsts.values()) < users.length / 10);
});

test('state shares give exact, seeded counts and active takes the rest', () => {
  const users = generateUsers({
    count: 1000,
    domain: 'contoso.test',
    seed: 3,
    states: { disabled: 0.01, expired: 0.02, mfa: 0.005 },
  });
  const count = (s: string) => users.filter((u) => u.state === s).length;
  assert.deepEqual([count('disabled'), count('expired'), count('mfa'), count('active')], [10, 20, 5, 965]);
  const again = generateUsers({
    count: 1000,
    domain: 'contoso.test',
    seed: 3,
    states: { disabled: 0.01, expired: 0.02, mfa: 0.005 },
  });
  assert.deepEqual(
    again.map((u) => u.state),
    users.map((u) => u.state),
  );
  assert.ok(
    users.slice(0, 10).some((u) => u.state === 'active'),
    'special states are spread out, not first',
  );
});

test('bad requests are UsersErrors that say what to give', () => {
  const bad = (opts: Parameters<typeof generateUsers>[0], re: RegExp) =>
    assert.throws(
      () => generateUsers(opts),
      (err: unknown) => err instanceof UsersError && re.test(err.message),
    );
  bad({ count: 0, domain: 'contoso.test', seed: 1 }, /count must be a whole number from 1/);
  bad({ count: 1.5, domain: 'contoso.test', seed: 1 }, /count must be a whole number/);
  bad({ count: 5, domain: 'not a domain', seed: 1 }, /domain must be a DNS domain like contoso\.test/);
  bad({ count: 5, domain: 'contoso.test', seed: 1, prefix: 'a b' }, /prefix/);
  bad({ count: 5, domain: 'contoso.test', seed: 1, states: { disabled: 0.7, mfa: 0.6 } }, /more than 100%/);
  bad({ count: 5, domain: 'contoso.test', seed: 1, states: { expired: -0.1 } }, /between 0 and 1/);
});
