import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ProfileError } from '../../src/errors.js';
import { loadProfile } from '../../src/profile/load.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ptaload-profile-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('relative users and CA paths resolve against the profile folder', async () => {
  await mkdir(join(dir, 'sub'));
  const path = join(dir, 'sub', 'entra.yaml');
  await writeFile(
    path,
    [
      'name: entra',
      'target:',
      '  kind: entra',
      '  tenant: 8eaef023-2b34-4da1-9baa-8bc8c9d6a490',
      '  clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa',
      '  ca: ../corp-ca.pem',
      'users: { file: users.csv }',
      'load: { phases: [{ duration: 10s, shape: constant, rate: 1/s }] }',
    ].join('\n'),
  );
  const loaded = await loadProfile(path);
  assert.equal(loaded.path, path);
  assert.equal(loaded.dir, join(dir, 'sub'));
  assert.equal(loaded.profile.users.file, join(dir, 'sub', 'users.csv'));
  assert.equal(loaded.profile.target.kind === 'entra' && loaded.profile.target.ca, join(dir, 'corp-ca.pem'));
});

test('a .json file is read as JSON and errors still carry its line', async () => {
  const path = join(dir, 'p.json');
  await writeFile(
    path,
    '{\n  "name": "j",\n  "load": {\n    "phases": [{ "duration": "1s", "shape": "constant", "rate": "lots" }]\n  }\n}\n',
  );
  await assert.rejects(loadProfile(path), (err: unknown) => {
    assert.ok(err instanceof ProfileError);
    assert.match(
      err.message,
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: load\\.phases\\[0\\]\\.rate: expected a rate`,
      ),
    );
    return true;
  });
});

test('an unreadable profile is a ProfileError that says why', async () => {
  await assert.rejects(loadProfile(join(dir, 'nope.yaml')), (err: unknown) => {
    assert.ok(err instanceof ProfileError);
    assert.match(
      err.message,
      /cannot read profile .*nope\.yaml: no such file \(ready-made profiles are in profiles\//,
    );
    return true;
  });
  await assert.rejects(loadProfile(dir), /it is a folder/);
});
