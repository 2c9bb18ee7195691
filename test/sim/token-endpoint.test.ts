import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { AADSTS } from '../../src/protocol/aadsts.js';
import { ALICE, assertEntraError, ropc, sim } from './sim-client.js';

const s = await sim();

function claims(jwt: unknown): Record<string, unknown> {
  const parts = String(jwt).split('.');
  assert.equal(parts.length, 3, 'a JWT has three parts');
  for (const p of parts) assert.match(p, /^[A-Za-z0-9_-]+$/, 'each part is base64url');
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  assert.equal(header.typ, 'JWT');
  return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
}

test('a correct password gets a 200 with Entra token fields, JWT-shaped tokens and the serving agent', async () => {
  const r = await ropc(s);
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.match(String(r.headers['cache-control']), /no-store/);
  assert.match(r.agent ?? '', /^agent-[1-4]$/);
  const j = r.json;
  assert.equal(j.token_type, 'Bearer');
  assert.equal(typeof j.scope, 'string');
  assert.ok((j.expires_in as number) >= 3600 && j.expires_in === j.ext_expires_in);
  const access = claims(j.access_token);
  assert.equal(access.upn, ALICE.username);
  assert.equal(access.tid, s.tenant);
  assert.equal(access.appid, s.clientId);
  assert.ok((access.exp as number) > (access.iat as number));
  const id = claims(j.id_token);
  assert.equal(id.aud, s.clientId);
  assert.equal(id.preferred_username, ALICE.username);
  assert.equal(id.iss, `${s.url}/${s.tenant}/v2.0`);
  assert.equal(typeof j.refresh_token, 'string');
});

test('id and refresh tokens come only with openid and offline_access', async () => {
  const r = await ropc(s, { scope: 'https://graph.microsoft.com/.default' });
  assert.equal(r.status, 200);
  assert.equal(r.json.id_token, undefined);
  assert.equal(r.json.refresh_token, undefined);
  assert.equal(claims(r.json.access_token).aud, 'https://graph.microsoft.com');
});

test('missing parameters are 900144 naming the parameter, in Entra order', async () => {
  const cases: [Record<string, string | undefined>, string][] = [
    [{ grant_type: undefined, client_id: undefined }, 'grant_type'],
    [{ client_id: undefined }, 'client_id'],
    [{ scope: undefined }, 'scope'],
    [{ username: undefined }, 'username'],
    [{ password: '' }, 'password'],
  ];
  for (const [fields, parameter] of cases) {
    const r = await ropc(s, fields);
    assertEntraError(r, 900144, 400, 'invalid_request');
    assert.match(String(r.json.error_description), new RegExp(`parameter: '${parameter}'`));
  }
});

test('request errors come before the tenant is looked up, the tenant before the app, the app before the scope', async () => {
  assertEntraError(
    await ropc(s, { grant_type: undefined }, { tenant: 'nope.test' }),
    900144,
    400,
    'invalid_request',
  );
  assertEntraError(await ropc(s, { grant_type: 'client_credentials' }), 70003, 400, 'unsupported_grant_type');
  const t = await ropc(s, { client_id: '00000000-0000-0000-0000-000000000001' }, { tenant: 'nope.test' });
  assertEntraError(t, 90002, 400, 'invalid_request');
  assert.match(String(t.json.error_description), /Tenant 'nope.test' not found/);
  const app = await ropc(s, { client_id: '00000000-0000-0000-0000-000000000001', scope: 'bogus' });
  assertEntraError(app, 700016, 400, 'unauthorized_client');
  assert.match(String(app.json.error_description), /00000000-0000-0000-0000-000000000001/);
  const scope = await ropc(s, { scope: 'openid bogus' });
  assertEntraError(scope, 70011, 400, 'invalid_scope');
  assert.match(String(scope.json.error_description), /The scope bogus is not valid/);
});

test('reasonable scopes are accepted and odd ones refused', async () => {
  for (const scope of [
    'openid',
    'openid profile email offline_access',
    'User.Read',
    'https://graph.microsoft.com/User.Read https://graph.microsoft.com/Mail.Read openid',
    'https://graph.microsoft.com/.default',
    `${s.clientId}/.default offline_access`,
    `api://${s.clientId}/.default`,
  ]) {
    assert.equal((await ropc(s, { scope })).status, 200, scope);
  }
  for (const scope of [
    'https://graph.microsoft.com/.default User.Read',
    'https://example.com/.default',
    'User.Read api://00000000-0000-0000-0000-000000000001/.default',
    '.default',
  ]) {
    assertEntraError(await ropc(s, { scope }), 70011, 400, 'invalid_scope');
  }
});

test('user outcomes: not found, wrong password, disabled, expired, MFA', async () => {
  const missing = await ropc(s, { username: 'nobody@contoso.test' });
  assertEntraError(missing, 50034, 400, 'invalid_grant');
  assert.match(String(missing.json.error_description), /The user account \{EmailHidden\} does not exist/);
  assert.doesNotMatch(String(missing.json.error_description), /nobody/, 'Entra no longer names the UPN');
  assert.equal(missing.agent, undefined, 'decided in the cloud, no agent asked');

  const wrong = await ropc(s, { username: 'bob@contoso.test', password: 'not-it' });
  assertEntraError(wrong, 50126, 400, 'invalid_grant');
  assert.match(wrong.agent ?? '', /^agent-/, 'an agent said "bad password"');

  const disabled = await ropc(s, { username: 'dave@contoso.test', password: 'Dave-Pass-3' });
  assertEntraError(disabled, AADSTS.disabled.code, 400, 'invalid_grant');
  assert.equal(disabled.agent, undefined);

  const expired = await ropc(s, { username: 'erin@contoso.test', password: 'Erin-Pass-4' });
  assertEntraError(expired, 50144, 400, 'invalid_grant');
  assert.match(expired.agent ?? '', /^agent-/);

  const mfa = await ropc(s, { username: 'MFA@Contoso.Test', password: 'Mfa-Pass-5' });
  assertEntraError(mfa, 50076, 400, 'invalid_grant');
  assert.equal(mfa.json.suberror, 'basic_action');

  const expiredWrong = await ropc(s, { username: 'erin@contoso.test', password: 'nope' });
  assertEntraError(expiredWrong, 50126, 400, 'invalid_grant');
});

test('the tenant may be named by GUID, verified domain (any case) or organizations, not common or consumers', async () => {
  for (const tenant of [s.tenant, 'contoso.test', 'Contoso.TEST', 'organizations']) {
    assert.equal((await ropc(s, {}, { tenant })).status, 200, tenant);
  }
  for (const tenant of ['common', 'consumers']) {
    const r = await ropc(s, {}, { tenant });
    assertEntraError(r, 9001023, 400, 'invalid_request');
    assert.match(
      String(r.json.error_description),
      /not supported over the \/common or \/consumers endpoints/,
    );
  }
});

test('client-request-id becomes the correlation id and is echoed only when asked', async () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const quiet = await ropc(s, { password: 'wrong' }, { headers: { 'client-request-id': id } });
  assert.equal(quiet.json.correlation_id, id);
  assert.equal(quiet.headers['client-request-id'], undefined);
  const echoed = await ropc(
    s,
    {},
    { headers: { 'client-request-id': id, 'return-client-request-id': 'true' } },
  );
  assert.equal(echoed.headers['client-request-id'], id);
  assert.equal(typeof echoed.headers['x-ms-request-id'], 'string');
});

test('discovery leads a standard client to the token endpoint: OIDC document, then a plain form POST', async () => {
  for (const tenant of [s.tenant, 'contoso.test']) {
    const res = await request(`${s.url}/${tenant}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.statusCode, 200);
    const doc = (await res.body.json()) as Record<string, string>;
    assert.equal(doc.issuer, `${s.url}/${s.tenant}/v2.0`);
    assert.equal(doc.token_endpoint, `${s.url}/${s.tenant}/oauth2/v2.0/token`);
    const token = await request(doc.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=password&client_id=${s.clientId}&scope=openid&username=${encodeURIComponent(ALICE.username)}&password=${encodeURIComponent(ALICE.password)}`,
    });
    assert.equal(token.statusCode, 200);
    assert.equal(((await token.body.json()) as { token_type: string }).token_type, 'Bearer');
  }
  const unknown = await request(`${s.url}/nope.test/v2.0/.well-known/openid-configuration`);
  assert.equal(unknown.statusCode, 400);
  const body = (await unknown.body.json()) as { error: string; error_codes: number[] };
  assert.equal(body.error, 'invalid_tenant');
  assert.deepEqual(body.error_codes, [90002]);
});

test('instance discovery and the user realm point at the sim and say Managed for its domain', async () => {
  const auth = encodeURIComponent(`${s.url}/${s.tenant}/oauth2/v2.0/authorize`);
  const inst = await request(
    `${s.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${auth}`,
  );
  const doc = (await inst.body.json()) as {
    tenant_discovery_endpoint: string;
    metadata: { aliases: string[] }[];
  };
  assert.equal(doc.tenant_discovery_endpoint, `${s.url}/${s.tenant}/v2.0/.well-known/openid-configuration`);
  assert.deepEqual(doc.metadata[0]?.aliases, [new URL(s.url).host]);

  const realm = async (login: string) =>
    (await (
      await request(`${s.url}/getuserrealm.srf?login=${encodeURIComponent(login)}&json=1`)
    ).body.json()) as {
      NameSpaceType: string;
    };
  assert.equal((await realm(ALICE.username)).NameSpaceType, 'Managed');
  assert.equal((await realm('someone@elsewhere.test')).NameSpaceType, 'Unknown');
});

test("unknown paths are 404 and a GET on a token endpoint is 900561 in Entra's JSON shape", async () => {
  assert.equal((await request(`${s.url}/nothing/here`)).statusCode, 404);
  for (const path of ['oauth2/v2.0/token', 'oauth2/token']) {
    const res = await request(`${s.url}/${s.tenant}/${path}`);
    assert.equal(res.statusCode, 400);
    const body = (await res.body.json()) as Record<string, unknown>;
    assert.deepEqual(body.error_codes, [900561]);
    assert.equal(body.error, 'invalid_request');
    assert.match(
      String(body.error_description),
      /^AADSTS900561: The endpoint only accepts POST, OPTIONS requests\. Received a GET request\.\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    for (const key of ['timestamp', 'trace_id', 'correlation_id', 'error_uri'])
      assert.equal(typeof body[key], 'string', key);
  }
});
