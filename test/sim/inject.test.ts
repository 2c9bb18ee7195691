import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Outcome } from '../../src/outcome.js';
import { AADSTS } from '../../src/protocol/aadsts.js';
import { startSim } from '../../src/sim/server.js';
import { classify } from '../../src/transport/classify.js';
import { admin, assertEntraError, ropc, sim } from './sim-client.js';

/** What the harness must file each code under (pta-facts.md), written out rather than read from the code map. */
const EXPECTED: Readonly<Record<number, Outcome>> = {
  50126: 'invalid_credentials',
  50034: 'user_not_found',
  50053: 'locked',
  50055: 'password_expired',
  50144: 'password_expired',
  50057: 'disabled',
  50076: 'mfa_required',
  50079: 'mfa_required',
  50072: 'mfa_required',
  50074: 'mfa_required',
  50078: 'mfa_required',
  50158: 'mfa_required',
  53003: 'ca_blocked',
  53000: 'ca_blocked',
  53001: 'ca_blocked',
  53002: 'ca_blocked',
  53004: 'ca_blocked',
  530032: 'ca_blocked',
  530035: 'ca_blocked',
  80001: 'pta_unavailable',
  80002: 'pta_timeout',
  80003: 'pta_error',
  80004: 'user_not_found',
  80005: 'pta_error',
  80007: 'pta_error',
  80010: 'pta_error',
  80011: 'pta_error',
  80012: 'disabled',
  80013: 'pta_error',
  80014: 'pta_timeout',
  50196: 'throttled',
  90055: 'throttled',
  90024: 'throttled',
  7000218: 'config_error',
  700025: 'config_error',
  7000215: 'config_error',
  7000222: 'config_error',
  700016: 'config_error',
  90002: 'config_error',
  65001: 'config_error',
  70011: 'config_error',
  900144: 'config_error',
  90014: 'config_error',
  70003: 'config_error',
  9001023: 'config_error',
  500011: 'config_error',
  50059: 'config_error',
};
/** Codes Entra decides with an agent in the loop: the reply names the agent that took the request. */
const THROUGH_AN_AGENT = (code: number) =>
  (code >= 80000 && code < 80100) ||
  [50055, 50144, 50076, 50079, 50072, 50074, 50078, 50158].includes(code) ||
  [53003, 53000, 53001, 53002, 53004, 530032, 530035].includes(code);

test('the table covers every code a sign-in can meet (all but 900561, which only a GET meets)', () => {
  const table = Object.values(AADSTS)
    .map((e) => e.code)
    .filter((c) => c !== AADSTS.postOnly.code)
    .sort((a, b) => a - b);
  assert.deepEqual(
    Object.keys(EXPECTED)
      .map(Number)
      .sort((a, b) => a - b),
    table,
  );
});

test('POST /_sim/inject {code, count}: every code of the table, in Entra shape, classified as expected', async () => {
  const s = await sim();
  for (const entry of Object.values(AADSTS)) {
    if (entry.code === AADSTS.postOnly.code) continue;
    const set = await admin(s, 'POST', '/_sim/inject', { code: entry.code, count: 1 });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    const r = await ropc(s);
    assertEntraError(r, entry.code, entry.status, entry.error);
    assert.equal(
      classify(r.status, JSON.stringify(r.json), r.headers).outcome,
      EXPECTED[entry.code],
      `${entry.code}`,
    );
    assert.equal(
      r.agent !== undefined,
      THROUGH_AN_AGENT(entry.code),
      `${entry.code} attributed to an agent or not`,
    );
    assert.equal((await ropc(s)).status, 200, `${entry.code}: the count of 1 is spent`);
  }
});

test('order: a tenant code answers before the user is looked up; an account code needs the right password', async () => {
  const s = await sim();
  await admin(s, 'POST', '/_sim/inject', { code: 90055, count: 1 });
  assertEntraError(await ropc(s, { username: 'nobody@contoso.test' }), 90055, 400, 'temporarily_unavailable');
  await admin(s, 'POST', '/_sim/inject', { code: 50079, count: 1 });
  assertEntraError(await ropc(s, { password: 'wrong' }), 50126, 400, 'invalid_grant');
  assertEntraError(await ropc(s), 50079, 400, 'invalid_grant');
});

test('a share is a seeded draw: the same seed gives the same sequence; DELETE clears it', async () => {
  const run = async () => {
    const s = await sim({ seed: 7 });
    assert.equal((await admin(s, 'POST', '/_sim/inject', { code: 80011, share: 0.5 })).status, 200);
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await ropc(s)).code);
    assert.equal((await admin(s, 'DELETE', '/_sim/inject')).status, 200);
    assert.equal((await ropc(s)).status, 200, 'cleared');
    return codes;
  };
  const first = await run();
  assert.deepEqual(await run(), first);
  const hit = first.filter((c) => c === 80011).length;
  assert.ok(hit > 5 && hit < 35, `about half injected, got ${hit} of 40`);
  assert.deepEqual(new Set(first), new Set([0, 80011]));
});

test('bad inject bodies are refused with 400 naming the fix', async () => {
  const s = await sim();
  for (const body of [
    { code: 12345, count: 1 },
    { code: 90055 },
    { code: 90055, share: 2 },
    { code: 90055, share: 0.1, count: 1 },
  ]) {
    const r = await admin(s, 'POST', '/_sim/inject', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match((r.json as { message: string }).message, /inject/);
  }
  assert.equal((await ropc(s)).status, 200);
});

test('the inject option (ptaload sim --inject CODE:SHARE) is in force from the start; a code outside the table is refused', async () => {
  const s = await sim({ inject: { code: 90024, share: 1 } });
  assertEntraError(await ropc(s), 90024, 400, 'temporarily_unavailable');
  await assert.rejects(startSim({ inject: { code: 12345, share: 1 } }), /inject.*code/);
});
