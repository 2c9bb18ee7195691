import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { PtaloadError } from '../../src/errors.js';
import type { EntraTarget } from '../../src/profile/schema.js';
import { flagsOnlyProfile, loadRunProfile } from '../../src/run/run-profile.js';
import { entraFlags } from '../../src/targets/entra/flags.js';
import { tempDir } from '../helpers/tmp.js';

const CLIENT = '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa';
const SIM = `name: s
target: { kind: sim, seed: 3, tls: true }
users: { generate: 100, states: { disabled: 10% } }
load: { phases: [{ duration: 5s, shape: constant, rate: 10/s }] }
`;
const ENTRA = (extra = '', rate = '10/s') => `name: e
target:
  kind: entra
  tenant: contoso.onmicrosoft.com
  clientId: ${CLIENT}
  authorityHost: https://127.0.0.1:4443
  ca: ./ca.pem
${extra}
users: { file: users.csv }
load: { phases: [{ duration: 5s, shape: constant, rate: ${rate} }] }
`;

async function file(text: string): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, 'p.yaml');
  await writeFile(path, text);
  return path;
}

const entra = (t: { target: unknown }) => t.target as EntraTarget;

/** Flags as commander gives them, checked as the command line checks them. */
const loadWithFlags = async (path: string, bag: Record<string, string>) =>
  loadRunProfile(path, { entra: entraFlags(bag) });

test('without flags the profile is loaded as written, paths relative to its folder', async () => {
  const path = await file(ENTRA());
  const { profile } = await loadWithFlags(path, {});
  assert.equal(entra(profile).ca, join(resolve(path, '..'), 'ca.pem'));
  assert.equal(profile.users.file, join(resolve(path, '..'), 'users.csv'));
  assert.equal(entra(profile).maxRate, 20);
});

test('--target entra turns a sim profile into a real-tenant one, validated as such', async () => {
  const path = await file(SIM);
  const { profile } = await loadWithFlags(path, {
    target: 'entra',
    tenant: 'contoso.onmicrosoft.com',
    clientId: CLIENT,
    authorityHost: 'https://127.0.0.1:9',
    users: 'team/users.csv',
  });
  const t = entra(profile);
  assert.equal(t.kind, 'entra');
  assert.equal(t.tenant, 'contoso.onmicrosoft.com');
  assert.equal(t.authorityHost, 'https://127.0.0.1:9');
  assert.equal(
    profile.users.file,
    resolve('team/users.csv'),
    'flag paths are relative to the working folder',
  );
  assert.equal(profile.users.generate, undefined);
  assert.equal('seed' in t, false, "the sim's settings are dropped");
});

test('real-tenant flags on a sim profile without --target entra are refused, naming the flags', async () => {
  const path = await file(SIM);
  await assert.rejects(loadWithFlags(path, { tenant: 'contoso.onmicrosoft.com' }), (e: PtaloadError) => {
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /--tenant applies to a real tenant.*add --target entra/);
    return true;
  });
  await assert.rejects(loadWithFlags(path, { confirmTenant: 'x.com' }), /--confirm-tenant applies/);
  await assert.rejects(loadWithFlags(path, { target: 'sim' }), /--target takes 'entra'/);
  await assert.rejects(loadWithFlags(path, { target: 'entra', clientId: 'nope' }), /--client-id takes/);
});

test('flags are validated by the schema with the rest, and errors say which flags were applied', async () => {
  const path = await file(SIM);
  await assert.rejects(
    loadWithFlags(path, { target: 'entra', tenant: 'contoso.onmicrosoft.com' }),
    (e: PtaloadError) => {
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /target\.clientId: missing/);
      assert.match(e.message, /with --target, --tenant applied/);
      return true;
    },
  );
});

test('a sim profile that generates users cannot become a real-tenant run without --users', async () => {
  const path = await file(SIM);
  await assert.rejects(
    loadWithFlags(path, { target: 'entra', tenant: 'contoso.onmicrosoft.com', clientId: CLIENT }),
    /users\.generate: generated users exist only in the sim/,
  );
});

test('--max-rate raises the cap before the cross-check judges it; a cap raised in the file alone does not count', async () => {
  const fast = await file(ENTRA('', '50/s'));
  await assert.rejects(loadWithFlags(fast, {}), /peaks at 50\/s but the safety cap is 20\/s/);
  const { profile } = await loadWithFlags(fast, { maxRate: '60/s' });
  assert.equal(entra(profile).maxRate, 60);

  const raisedInFile = await file(ENTRA('  maxRate: 100/s', '50/s'));
  await assert.rejects(loadWithFlags(raisedInFile, {}), (e: PtaloadError) => {
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /raised only on the command line.*--max-rate 50\/s/);
    return true;
  });
  const gentle = await file(ENTRA('  maxRate: 100/s', '10/s'));
  assert.equal(entra((await loadWithFlags(gentle, {})).profile).maxRate, 20, 'held at the default');
});

test('plain http is accepted from the flag for a loopback address only', async () => {
  const path = await file(ENTRA());
  const { profile } = await loadWithFlags(path, { authorityHost: 'http://127.0.0.1:8080' });
  assert.equal(entra(profile).authorityHost, 'http://127.0.0.1:8080');
  await assert.rejects(loadWithFlags(path, { authorityHost: 'http://login.example.com' }), /plain http/);
});

test('preflight without a profile needs the tenant, client and users on the command line', () => {
  assert.throws(
    () => flagsOnlyProfile(entraFlags({ tenant: 'contoso.onmicrosoft.com' })),
    /--client-id, --users missing/,
  );
  const { profile } = flagsOnlyProfile(
    entraFlags({
      tenant: 'contoso.onmicrosoft.com',
      clientId: CLIENT,
      users: 'u.csv',
    }),
  );
  assert.equal(entra(profile).authorityHost, 'https://login.microsoftonline.com');
  assert.equal(profile.users.file, resolve('u.csv'));
});
