import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PtaloadError } from '../../src/errors.js';
import { parseProfile } from '../../src/profile/load.js';
import type { Profile } from '../../src/profile/schema.js';
import { checkHooks, HookTimeline } from '../../src/targets/entra/timeline.js';
import { tempDir } from '../helpers/tmp.js';

function profile(hooks: string, timeline: string): Profile {
  return parseProfile(
    `
name: t
target: { kind: entra, tenant: contoso.onmicrosoft.com, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa }
users: { file: users.csv }
agents:
  list:
    - { name: pta-1, site: dc1, host: pta1.corp.example }
    - { name: pta-2, site: dc1, host: pta2.corp.example }
    - { name: pta-3, site: dc2, host: pta3.corp.example }
  timeline: ${timeline}
  hooks: ${hooks}
load: { phases: [{ duration: 60s, shape: constant, rate: 1/s }] }
`,
    't.yaml',
  );
}

const lines = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).sort();

test('each event runs its hook templated from the agent inventory; a site failure runs it per agent', async () => {
  const dir = await tempDir();
  const log = join(dir, 'hooks.log');
  const p = profile(
    `{ remove: "echo {action} {name} {host} {site} {mode} >> ${log}", add: "echo {action} {name} {host} {site} >> ${log}" }`,
    `[{ at: 5s, action: remove, agent: pta-3, mode: crash },
      { at: 10s, action: fail-site, site: dc1 },
      { at: 20s, action: restore-site, site: dc1 },
      { at: 30s, action: add, agent: { name: pta-9, site: dc2, host: pta9.corp.example } }]`,
  );
  const tl = new HookTimeline(p.agents, { env: process.env, withholdEnv: [], redact: [] });
  const [remove, fail, restore, add] = p.agents.timeline;

  const r1 = await tl.apply(remove!);
  assert.equal(r1.ok, true);
  assert.deepEqual(r1.agents, ['pta-3']);
  assert.equal(r1.hook?.exitCode, 0);
  assert.equal(r1.hook?.command, `echo remove pta-3 pta3.corp.example dc2 crash >> ${log}`);

  const r2 = await tl.apply(fail!);
  assert.equal(r2.ok, true);
  assert.deepEqual([...r2.agents].sort(), ['pta-1', 'pta-2']);
  assert.equal(
    ((r2.detail?.hooks as unknown[] | undefined) ?? []).length,
    2,
    'one hook run per agent of the site',
  );

  const r3 = await tl.apply(restore!);
  assert.deepEqual([...r3.agents].sort(), ['pta-1', 'pta-2'], 'the site comes back with the agents it lost');
  const r4 = await tl.apply(add!);
  assert.deepEqual(r4.agents, ['pta-9']);

  assert.deepEqual(await lines(log), [
    'add pta-9 pta9.corp.example dc2',
    'fail-site pta-1 pta1.corp.example dc1 crash',
    'fail-site pta-2 pta2.corp.example dc1 crash',
    'remove pta-3 pta3.corp.example dc2 crash',
    'restore-site pta-1 pta1.corp.example dc1',
    'restore-site pta-2 pta2.corp.example dc1',
  ]);
  assert.equal(tl.stopReason(), undefined);
});

test('a site hook without {name} or {host} runs once for the site', async () => {
  const dir = await tempDir();
  const log = join(dir, 'site.log');
  const p = profile(
    `{ fail-site: "echo site {site} {mode} >> ${log}", remove: "true" }`,
    '[{ at: 5s, action: fail-site, site: dc1, mode: crash }]',
  );
  const tl = new HookTimeline(p.agents, { env: process.env, withholdEnv: [], redact: [] });
  const r = await tl.apply(p.agents.timeline[0]!);
  assert.equal(r.ok, true);
  assert.deepEqual([...r.agents].sort(), ['pta-1', 'pta-2']);
  assert.deepEqual(await lines(log), ['site dc1 crash']);
});

test('a failing or hanging hook is reported, and stops the run only with stopOnFailure', async () => {
  const events =
    '[{ at: 5s, action: remove, agent: pta-1 }, { at: 9s, action: degrade, agent: pta-2, slowFactor: 2 }]';
  const going = profile(
    '{ remove: "echo cannot reach {host} >&2; exit 7", degrade: "sleep 20", timeout: 300ms }',
    events,
  );
  const tl = new HookTimeline(going.agents, { env: process.env, withholdEnv: [], redact: [] });
  const failed = await tl.apply(going.agents.timeline[0]!);
  assert.equal(failed.ok, false);
  assert.equal(failed.hook?.exitCode, 7);
  assert.match(failed.error ?? '', /exited with 7: cannot reach pta1\.corp\.example/);
  const hung = await tl.apply(going.agents.timeline[1]!);
  assert.equal(hung.ok, false);
  assert.equal(hung.hook?.timedOut, true);
  assert.match(hung.error ?? '', /timed out after 300ms/);
  assert.equal(tl.stopReason(), undefined, 'the run goes on');

  const stopping = profile('{ remove: "exit 1", degrade: "true", stopOnFailure: true }', events);
  const tl2 = new HookTimeline(stopping.agents, { env: process.env, withholdEnv: [], redact: [] });
  await tl2.apply(stopping.agents.timeline[0]!);
  assert.match(tl2.stopReason() ?? '', /remove hook at 5s failed .*stopOnFailure/);
});

test('hook mistakes are caught before the run: unknown placeholders, {host} without hosts', () => {
  const typo = profile('{ remove: "ssh {hots} stop" }', '[{ at: 5s, action: remove, agent: pta-1 }]');
  assert.throws(
    () => checkHooks(typo.agents),
    (e: PtaloadError) => e.exitCode === 3 && /agents\.hooks\.remove uses \{hots\}/.test(e.message),
  );
  const noHost = parseProfile(
    `
name: t
target: { kind: entra, tenant: contoso.onmicrosoft.com, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa }
users: { file: users.csv }
agents:
  list: [{ name: pta-1 }]
  timeline: [{ at: 5s, action: remove, agent: pta-1 }]
  hooks: { remove: "ssh {host} stop" }
load: { phases: [{ duration: 60s, shape: constant, rate: 1/s }] }
`,
    't.yaml',
  );
  assert.throws(() => checkHooks(noHost.agents), /pta-1 have no host/);
  assert.doesNotThrow(() => checkHooks(profile('{ remove: "ssh {host} stop" }', '[]').agents));
});
