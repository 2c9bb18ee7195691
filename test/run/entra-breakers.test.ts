import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Histogram } from 'hdr-histogram-js';
import type { Breaker } from '../../src/load/load-sink.js';
import { createHistogram } from '../../src/metrics/histogram.js';
import { type IntervalRecord, type SeriesTag, seriesTag } from '../../src/metrics/types.js';
import type { Outcome } from '../../src/outcome.js';
import { parseProfile } from '../../src/profile/load.js';
import {
  breakersFor,
  lockoutBreaker,
  ptaFailureBreaker,
  sprayBreaker,
  targetBreaker,
  throttleBreaker,
} from '../../src/run/breakers.js';

let index = 0;
/** One interval's record and histograms with `counts` replies per outcome. */
function interval(counts: Partial<Record<Outcome, number>>): [IntervalRecord, Map<SeriesTag, Histogram>] {
  const histograms = new Map<SeriesTag, Histogram>();
  let completed = 0;
  for (const [outcome, n] of Object.entries(counts) as [Outcome, number][]) {
    const h = createHistogram();
    for (let i = 0; i < n; i++) h.recordValue(1000);
    histograms.set(seriesTag('tenant', outcome), h);
    completed += n;
  }
  const i = index++;
  const record: IntervalRecord = {
    index: i,
    startMs: i * 1000,
    endMs: (i + 1) * 1000,
    targetRate: completed,
    activeAgents: [],
    phase: 'p',
    sent: completed,
    completed,
    lateStarts: 0,
    maxSlipUs: 0,
    inFlight: 0,
    codes: {},
  };
  return [record, histograms];
}

const feed = (b: Breaker, ...intervals: Partial<Record<Outcome, number>>[]) =>
  intervals.map((c) => b(...interval(c))).find((r) => r !== undefined);

test('the lockout breaker needs a sample: 1 locked of 2 replies is not 50 %', () => {
  assert.equal(feed(lockoutBreaker(0.01), { locked: 1, success: 1 }), undefined);
  assert.equal(feed(lockoutBreaker(0.01), { locked: 2, success: 30 }), undefined, 'fewer than 3 lockouts');
});

test('the lockout breaker fires once lockouts pass the share of a big enough window, and says what to do', () => {
  const reason = feed(lockoutBreaker(0.01), { success: 10 }, { success: 10, locked: 3 });
  assert.match(reason ?? '', /3 of the last 23 replies \(13%\) said the account is locked \(AADSTS50053\)/);
  assert.match(reason ?? '', /lockedShare 1%/);
  // At or under the share it stays quiet: 3 of 300 is exactly 1 %.
  const quiet = lockoutBreaker(0.01);
  assert.equal(
    feed(quiet, { success: 100 }, { success: 99, locked: 1 }, { success: 98, locked: 2 }),
    undefined,
  );
});

test('the window slides: old lockouts age out once newer intervals hold enough replies', () => {
  const b = lockoutBreaker(0.05);
  // 4 of 150 (2.7 %): under 5 %.
  assert.equal(feed(b, { success: 146, locked: 4 }), undefined);
  // Then a clean stretch, then 6 lockouts among 100: judged on the recent window alone (6 %), it fires.
  assert.equal(feed(b, { success: 200 }), undefined);
  assert.match(feed(b, { success: 94, locked: 6 }) ?? '', /6 of the last 100 replies/);
});

test('the PTA-failure breaker counts every PTA failure class together', () => {
  const b = ptaFailureBreaker(0.1);
  const r = feed(b, { success: 20, pta_timeout: 2, pta_unavailable: 1, pta_error: 1 });
  assert.match(r ?? '', /4 of the last 24 replies .* PTA failures/);
  assert.equal(feed(ptaFailureBreaker(0.1), { success: 90, pta_timeout: 5, locked: 40 }), undefined);
});

test('a target can stop the run, and real tenants get the lockout (and opt-in PTA) breakers', () => {
  let reason: string | undefined;
  const b = targetBreaker({ stopReason: () => reason });
  assert.equal(feed(b, { success: 1 }), undefined);
  reason = 'a hook failed';
  assert.equal(feed(b, { success: 1 }), 'a hook failed');

  const sim = parseProfile(
    'name: s\nload: { phases: [{ duration: 1s, shape: constant, rate: 1/s }] }',
    's.yaml',
  );
  const entra = (extra: string) =>
    parseProfile(
      `name: e\ntarget: { kind: entra, tenant: contoso.onmicrosoft.com, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa${extra} }\nusers: { file: u.csv }\nload: { phases: [{ duration: 1s, shape: constant, rate: 1/s }] }`,
      'e.yaml',
    );
  const lockouts = { success: 20, locked: 10 };
  const pta = { success: 20, pta_timeout: 10 };
  const fires = (bs: Breaker[], c: Partial<Record<Outcome, number>>) =>
    bs.some((x) => feed(x, c) !== undefined);
  assert.equal(fires(breakersFor(sim, {}), lockouts), false, 'the sim cannot be hurt by lockouts');
  assert.equal(fires(breakersFor(entra(''), {}), lockouts), true);
  assert.equal(fires(breakersFor(entra(''), {}), pta), false, 'PTA failures stop a run only when asked');
  assert.equal(fires(breakersFor(entra(', breakers: { ptaFailureShare: 5% }'), {}), pta), true);
  assert.equal(
    fires(breakersFor(sim, {}), { success: 5, config_error: 1 }),
    true,
    'config errors always stop',
  );
});

test('the throttle breaker stops a run that stays throttled, naming the codes and the setting', () => {
  assert.equal(feed(throttleBreaker(0.1), { success: 95, throttled: 5 }), undefined);
  const reason = feed(throttleBreaker(0.1), { success: 20, throttled: 10 });
  assert.match(reason ?? '', /10 of the last 30 replies \(33\.3%\) were throttled \(AADSTS50196/);
  assert.match(reason ?? '', /throttledShare 10%/);
});

test('the spray breaker: many distinct locked users, or a few with the right password, point at an IP block', () => {
  const withLockouts = (users: number, unexplained: number) => {
    const [record, histograms] = interval({ locked: users, success: 10 });
    return [{ ...record, lockouts: { users, unexplained } }, histograms] as const;
  };
  const quiet = sprayBreaker();
  assert.equal(quiet(...withLockouts(4, 1)), undefined);
  assert.equal(quiet(...withLockouts(4, 1)), undefined, '8 users and 2 unexplained: not yet');
  const reason = quiet(...withLockouts(1, 1));
  assert.match(
    reason ?? '',
    /50053 \(account locked\) came for 9 distinct user\(s\) so far, 3 of them with the right password/,
  );
  assert.match(reason ?? '', /failure reason of these sign-ins in the Entra sign-in logs/);
  assert.match(reason ?? '', /IP address with malicious activity/);
  const many = sprayBreaker();
  assert.match(many(...withLockouts(10, 0)) ?? '', /came for 10 distinct user/);
});

test('an entra run gets the spray breaker before the lockout breaker, and a throttle breaker unless turned off', () => {
  const base = `name: t
target: { kind: entra, tenant: contoso.onmicrosoft.com, clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa }
users: { file: users.csv }
load: { phases: [{ duration: 10s, shape: constant, rate: 1/s }] }
`;
  const stop = { stopReason: () => undefined };
  const all = breakersFor(parseProfile(base, 't.yaml'), stop);
  const off = breakersFor(
    parseProfile(
      base.replace(
        'clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa',
        'clientId: 2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa, breakers: { throttledShare: null }',
      ),
      't.yaml',
    ),
    stop,
  );
  assert.equal(all.length, off.length + 1);
  const [record, histograms] = interval({ locked: 10, success: 10 });
  const spray = { ...record, lockouts: { users: 10, unexplained: 10 } };
  const first = all.map((b) => b(spray, histograms)).find((r) => r !== undefined);
  assert.match(first ?? '', /distinct user/, 'the more specific explanation wins');
});
