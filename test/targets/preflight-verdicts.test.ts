import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentsVerdict, graphBase } from '../../src/targets/entra/graph-agents.js';
import { realmVerdict, signInVerdict } from '../../src/targets/entra/preflight-verdicts.js';
import { classify } from '../../src/transport/classify.js';

const reply = (code: number, status = 400) =>
  classify(
    status,
    JSON.stringify({ error: 'invalid_grant', error_codes: [code], error_description: `AADSTS${code}: x` }),
  );

test('realm: managed is PTA or password hash sync (a warning, unless agents were seen); federated warns of staged rollout; unknown fails', () => {
  const managed = realmVerdict(200, { NameSpaceType: 'Managed' }, 'u@corp.example');
  assert.equal(managed.status, 'warn');
  assert.match(managed.detail, /corp\.example is managed: PTA or password hash sync — not verified/);
  assert.match(managed.detail, /Pass-through authentication.*PTALOAD_GRAPH_TOKEN/, 'says how to verify');
  assert.equal(realmVerdict(200, { NameSpaceType: 'Managed' }, 'u@corp.example', true).status, 'ok');
  const fed = realmVerdict(200, { NameSpaceType: 'Federated' }, 'u@corp.example');
  assert.equal(fed.status, 'warn');
  assert.match(fed.detail, /corp\.example is federated .*Staged Rollout group.*Staged rollout\?/);
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

test('agents through Graph: active ones listed; none, none active, 401 and 403 say what to do', () => {
  const row = (machineName: string, status: string) => ({
    id: machineName,
    machineName,
    externalIp: '203.0.113.9',
    status,
  });
  const three = agentsVerdict(200, {
    value: [row('pta1', 'active'), row('pta2', 'active'), row('pta3', 'active')],
  });
  assert.equal(three.status, 'ok');
  assert.match(three.detail, /3 of 3 PTA agent\(s\) active: pta1 \(active, 203\.0\.113\.9\)/);
  const one = agentsVerdict(200, { value: [row('pta1', 'active'), row('old', 'inactive')] });
  assert.equal(one.status, 'warn');
  assert.match(one.detail, /1 of 2 .*at least 3 in production/);
  assert.match(
    agentsVerdict(200, { value: [] }).detail,
    /no PTA agents registered: pass-through authentication is off/,
  );
  assert.match(
    agentsVerdict(200, { value: [row('x', 'inactive')] }).detail,
    /none of the 1 registered PTA agent\(s\) is active/,
  );
  assert.match(agentsVerdict(401, {}).detail, /refused the token in PTALOAD_GRAPH_TOKEN/);
  assert.match(agentsVerdict(403, {}).detail, /delegated token only .*Policy\.Read\.HybridAuthentication/);
  assert.equal(graphBase('https://login.microsoftonline.us', {}), 'https://graph.microsoft.us');
  assert.equal(
    graphBase('https://login.microsoftonline.com', { PTALOAD_GRAPH_URL: 'http://127.0.0.1:9' }),
    'http://127.0.0.1:9',
  );
});
