import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFields, profileDocument } from '../../src/profile/load.js';
import type { EntraTarget, RawProfile } from '../../src/profile/raw-schema.js';
import type { EntraFlags } from '../../src/targets/entra/flags.js';
import { loosenedByFlags, safetyInForce } from '../../src/targets/entra/tighten-only.js';

function raw(target: string, rate = '10/s'): RawProfile {
  const text = `
name: t
target:
  kind: entra
  tenant: contoso.onmicrosoft.com
  clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa
${target}
users: { file: users.csv }
load: { phases: [{ duration: 10s, shape: constant, rate: ${rate} }] }
`;
  return checkFields(profileDocument(text, 't.yaml', '', ''));
}

function inForce(profile: RawProfile, flags: EntraFlags = {}): EntraTarget {
  const decided = safetyInForce(profile, flags);
  assert.ok('profile' in decided, 'loosened' in decided ? JSON.stringify(decided.loosened) : '');
  assert.equal(decided.profile.target.kind, 'entra');
  return decided.profile.target as EntraTarget;
}

function refusals(profile: RawProfile, flags: EntraFlags = {}): string[] {
  const decided = safetyInForce(profile, flags);
  assert.ok('loosened' in decided, 'expected a refusal');
  return decided.loosened.map((l) => `${l.path.join('.')}: ${l.message}`);
}

test('defaults and tighter profile values hold as written', () => {
  const d = inForce(raw(''));
  assert.deepEqual(
    [d.maxRate, d.pacing, d.breakers],
    [
      20,
      { perUserPerMinute: 4, wrongPerUserPerHour: 2 },
      { lockedShare: 0.01, throttledShare: 0.1, ptaFailureShare: null },
    ],
  );
  const tight = inForce(
    raw(`  maxRate: 15/s
  pacing: { perUserPerMinute: 3, wrongPerUserPerHour: 0, lockoutThreshold: 5, onPremLockoutThreshold: 0 }
  breakers: { lockedShare: 0.5%, throttledShare: 5%, ptaFailureShare: 2% }`),
  );
  assert.equal(tight.maxRate, 15);
  assert.deepEqual(tight.pacing, {
    perUserPerMinute: 3,
    wrongPerUserPerHour: 0,
    lockoutThreshold: 5,
    onPremLockoutThreshold: 0,
  });
  assert.deepEqual(tight.breakers, { lockedShare: 0.005, throttledShare: 0.05, ptaFailureShare: 0.02 });
});

test('every field looser than its default is refused, each naming its default and the flag that allows it', () => {
  const all = refusals(
    raw(`  pacing: { perUserPerMinute: 30, wrongPerUserPerHour: 5, lockoutThreshold: 20 }
  breakers: { lockedShare: 5%, throttledShare: null }`),
  );
  assert.equal(all.length, 5, all.join('\n'));
  const [perMinute, wrong, threshold, locked, throttled] = all;
  assert.match(
    perMinute!,
    /^target\.pacing\.perUserPerMinute: 30 is looser than the default of 4;.*--per-user-per-minute 30 if you mean it/,
  );
  assert.match(
    wrong!,
    /^target\.pacing\.wrongPerUserPerHour: 5 is looser than the default of 2;.*--wrong-per-user-per-hour 5 if you mean it/,
  );
  assert.match(
    threshold!,
    /^target\.pacing\.lockoutThreshold: 20 is above smart lockout's default of 10 in the public cloud.*no flag raises it/,
  );
  assert.doesNotMatch(threshold!, /Run again with/);
  assert.match(
    locked!,
    /^target\.breakers\.lockedShare: 5% is looser than the default of 1%;.*--locked-share 5% if you mean it/,
  );
  assert.match(
    throttled!,
    /^target\.breakers\.throttledShare: off is looser than the default of 10%;.*--throttled-share off if you mean it/,
  );
  assert.match(
    refusals(raw('  breakers: { throttledShare: 20% }'))[0]!,
    /throttledShare: 20% is looser.*--throttled-share 20%/,
  );
});

test("the lockout threshold's default is the cloud's: 3 in US Government", () => {
  assert.equal(
    inForce(raw('  authorityHost: usgov\n  pacing: { lockoutThreshold: 2 }')).pacing.lockoutThreshold,
    2,
  );
  assert.match(
    refusals(raw('  authorityHost: usgov\n  pacing: { lockoutThreshold: 5 }'))[0]!,
    /lockoutThreshold: 5 is above smart lockout's default of 3 in the US Government cloud/,
  );
});

test('a flag is the value in force, looser or tighter, whatever the profile says', () => {
  const loose = raw(`  pacing: { perUserPerMinute: 30, wrongPerUserPerHour: 5 }
  breakers: { lockedShare: 5%, throttledShare: null }`);
  const flags: EntraFlags = {
    perUserPerMinute: 30,
    wrongPerUserPerHour: 5,
    lockedShare: 0.05,
    throttledShare: null,
  };
  const t = inForce(loose, flags);
  assert.deepEqual(t.pacing, { perUserPerMinute: 30, wrongPerUserPerHour: 5 });
  assert.deepEqual(t.breakers, { lockedShare: 0.05, throttledShare: null, ptaFailureShare: null });
  // The flag alone, with nothing in the profile (a sim profile run with --target entra).
  assert.equal(inForce(raw(''), { perUserPerMinute: 60 }).pacing.perUserPerMinute, 60);
  // A looser flag over a tighter profile value: the command line decides for this run.
  assert.equal(
    inForce(raw('  breakers: { throttledShare: 5% }'), { throttledShare: 0.2 }).breakers.throttledShare,
    0.2,
  );
  // A tighter flag over a looser profile value: no refusal, the flag holds.
  assert.equal(
    inForce(raw('  pacing: { perUserPerMinute: 30 }'), { perUserPerMinute: 2 }).pacing.perUserPerMinute,
    2,
  );
  // Only the field a flag covers is settled by it: the others are still judged.
  assert.equal(refusals(loose, { perUserPerMinute: 30 }).length, 3);
});

test('a cap raised in the profile alone is held at the default while the load fits, refused once it needs more', () => {
  assert.equal(inForce(raw('  maxRate: 100/s', '15/s')).maxRate, 20);
  const refused = refusals(raw('  maxRate: 100/s', '50/s'));
  assert.equal(refused.length, 1);
  assert.match(
    refused[0]!,
    /^target\.maxRate: 100\/s is above the default cap of 20\/s and the load peaks at 50\/s\..*raised only on the command line.*--max-rate 50\/s \(or more\) if you mean it/,
  );
  assert.equal(inForce(raw('  maxRate: 100/s', '50/s'), { maxRate: 80 }).maxRate, 80);
  assert.equal(inForce(raw('  maxRate: 5/s', '5/s')).maxRate, 5);
});

test('on-prem lockout threshold 0 ("AD never locks") is no looser than leaving it out', () => {
  // The budget ignores 0 as it ignores a missing value, so stating it relaxes nothing to refuse.
  assert.ok('profile' in safetyInForce(raw('  pacing: { onPremLockoutThreshold: 0 }'), {}));
  assert.ok('profile' in safetyInForce(raw('  pacing: { onPremLockoutThreshold: 999 }'), {}));
});

test('the notes name each interlock the command line loosened, not the ones it tightened', () => {
  const t = inForce(raw(''));
  assert.deepEqual(
    loosenedByFlags(t, { throttledShare: null, perUserPerMinute: 2, wrongPerUserPerHour: 5, maxRate: 50 }),
    [
      '--max-rate 50/s (default 20/s)',
      '--wrong-per-user-per-hour 5 (default 2)',
      '--throttled-share off (default 10%)',
    ],
  );
  assert.deepEqual(loosenedByFlags(t, { lockedShare: 0.01 }), []);
});
