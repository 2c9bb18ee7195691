import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realmVerdict, signInVerdict } from '../../src/targets/entra/preflight-verdicts.js';
import { classify } from '../../src/transport/classify.js';

const reply = (code: number, status = 400) =>
  classify(
    status,
    JSON.stringify({ error: 'invalid_grant', error_codes: [code], error_description: `AADSTS${code}: x` }),
  );

test('realm: managed passes; federated and unknown domains fail with the reason', () => {
  assert.equal(realmVerdict(200, { NameSpaceType: 'Managed' }, 'u@corp.example').status, 'ok');
  const fed = realmVerdict(200, { NameSpaceType: 'Federated' }, 'u@corp.example');
  assert.equal(fed.status, 'fail');
  assert.match(fed.detail, /corp\.example is federated .* never by PTA agents/);
  assert.match(
    realmVerdict(200, { NameSpaceType: 'Unknown' }, 'u@x.example').detail,
    /not a verified domain/,
  );
  assert.match(realmVerdict(502, undefined, 'u@x.example').detail, /HTTP 502/);
});

test('the one sign-in, in plain words, and what it says about public client flows', () => {
  const ok = signInVerdict(classify(200, undefined), 200, 'u@x', 12, false);
  assert.deepEqual(
    ok.map((c) => c.status),
    ['ok', 'ok'],
  );
  const noPublic = signInVerdict(reply(7000218, 401), 401, 'u@x', 12, false);
  assert.equal(noPublic[0].status, 'fail');
  assert.match(noPublic[0].detail, /public client flows/);
  assert.match(noPublic[1].detail, /not allowed: .*Allow public client flows/);
  const mfa = signInVerdict(reply(50076), 400, 'u@x', 12, false);
  assert.match(mfa[0].detail, /must use MFA \(AADSTS50076\).*exclude the test users/);
  assert.equal(mfa[1].status, 'ok', 'an answer about the user means the app got through');
  assert.match(signInVerdict(reply(53003), 400, 'u@x', 1, false)[0].detail, /Conditional Access/);
  assert.match(signInVerdict(reply(50126), 400, 'u@x', 1, false)[0].detail, /wrong password/);
  assert.match(
    signInVerdict(reply(80002), 400, 'u@x', 1, false)[0].detail,
    /PTA agent path failed \(AADSTS80002\)/,
  );
  const confidential = signInVerdict(reply(50126), 400, 'u@x', 1, true);
  assert.match(confidential[1].detail, /not needed: .*confidential client/);
  const down = signInVerdict({ outcome: 'network_error', detail: 'ECONNRESET' }, 0, 'u@x', 1, false);
  assert.equal(down[1].status, 'skip');
});
