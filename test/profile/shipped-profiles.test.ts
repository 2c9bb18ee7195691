import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProfile } from '../../src/profile/load.js';
import { peakTargetRate, totalDurationMs } from '../../src/profile/phases.js';
import { ROOT } from '../helpers/cli.js';

const PROFILES = join(ROOT, 'profiles');

test('every shipped profile validates, is named after its file and explains itself', async () => {
  const files = (await readdir(PROFILES)).filter((f) => f.endsWith('.yaml'));
  for (const required of [
    'quickstart',
    'smoke',
    'monday-burst',
    'failover-drill',
    'scale-out',
    'agent-sweep',
    'upgrade-regression',
    'soak',
  ]) {
    assert.ok(files.includes(`${required}.yaml`), `profiles/${required}.yaml is shipped`);
  }
  for (const file of files) {
    const { profile } = await loadProfile(join(PROFILES, file));
    assert.equal(`${profile.name}.yaml`, file, `${file}: name matches the file`);
    assert.ok(profile.description && profile.description.length > 20, `${file}: has a description`);
    const text = await readFile(join(PROFILES, file), 'utf8');
    const comment = text.split('\n').filter((l) => l.startsWith('#') && !l.includes('yaml-language-server'));
    assert.ok(comment.join(' ').length > 150, `${file}: opens with a comment block saying what it is for`);
    assert.match(
      text,
      /^# yaml-language-server: \$schema=\.\/profile\.schema\.json$/m,
      `${file}: points editors at the schema`,
    );
  }
});

test('the quickstart and smoke profiles keep the shape the issue asks for', async () => {
  const quick = (await loadProfile(join(PROFILES, 'quickstart.yaml'))).profile;
  assert.equal(quick.target.kind, 'sim');
  assert.equal(quick.agents.list.length, 4);
  assert.ok(Math.abs(totalDurationMs(quick) - 30_000) <= 5000, 'about 30 s');
  const peak = peakTargetRate(quick);
  assert.ok(peak >= 600 && peak <= 900, `peak ${peak}/s fits a 2-core laptop`);
  assert.ok(
    quick.load.phases.some((p) => p.shape === 'burst'),
    'has a burst',
  );
  assert.ok(quick.thresholds.length > 0);

  const smoke = (await loadProfile(join(PROFILES, 'smoke.yaml'))).profile;
  assert.equal(totalDurationMs(smoke), 5000);
  assert.equal(smoke.agents.list.length, 2);

  const drill = (await loadProfile(join(PROFILES, 'failover-drill.yaml'))).profile;
  assert.deepEqual([...new Set(drill.agents.list.map((a) => a.site))].sort(), ['dc1', 'dc2']);
  const actions = drill.agents.timeline.map((e) => e.action);
  for (const a of ['remove', 'fail-site', 'restore-site'] as const)
    assert.ok(actions.includes(a), `drill has ${a}`);

  const sweep = (await loadProfile(join(PROFILES, 'agent-sweep.yaml'))).profile;
  assert.deepEqual(sweep.sweep?.agentCounts, [1, 2, 3, 4, 6, 8]);

  const soak = (await loadProfile(join(PROFILES, 'soak.yaml'))).profile;
  assert.equal(totalDurationMs(soak), 3_600_000);
});
