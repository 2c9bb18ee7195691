import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { ALICE, assertEntraError, ropc, sim } from './sim-client.js';

const s = await sim();

test("every token reply carries Entra's headers: no caching, HSTS, nosniff, ests server, clitelem", async () => {
  const ok = await ropc(s);
  const bad = await ropc(s, { password: 'wrong' });
  for (const [r, code] of [
    [ok, 0],
    [bad, 50126],
  ] as const) {
    assert.equal(r.headers['cache-control'], 'no-store, no-cache');
    assert.equal(r.headers.pragma, 'no-cache');
    assert.equal(r.headers.expires, '-1');
    assert.match(String(r.headers['strict-transport-security']), /^max-age=\d+; includeSubDomains$/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.match(String(r.headers['x-ms-ests-server']), /ProdSlices$/);
    assert.equal(r.headers['x-ms-clitelem'], `1,${code},0,,`);
    assert.match(String(r.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
  }
});

test('success scope: short Graph names, email added with openid', async () => {
  assert.equal(
    (await ropc(s, { scope: 'openid profile offline_access' })).json.scope,
    'User.Read openid profile email',
  );
  assert.equal(
    (await ropc(s, { scope: 'https://graph.microsoft.com/User.Read openid' })).json.scope,
    'User.Read openid email',
  );
});

test('client_info=1 adds MSAL client_info: base64url of the object id and tenant id', async () => {
  assert.equal((await ropc(s)).json.client_info, undefined);
  const r = await ropc(s, { client_info: '1' });
  const info = JSON.parse(Buffer.from(String(r.json.client_info), 'base64url').toString('utf8'));
  assert.match(info.uid, /^[0-9a-f-]{36}$/);
  assert.equal(info.utid, s.tenant);
});

test('MSAL realm lookup: /common/userrealm/{upn}?api-version=1.0 says Managed for a verified domain', async () => {
  const realm = async (upn: string) =>
    (await (
      await request(`${s.url}/common/userrealm/${encodeURIComponent(upn)}?api-version=1.0`)
    ).body.json()) as Record<string, string>;
  const managed = await realm(ALICE.username);
  assert.deepEqual(
    { ver: managed.ver, account_type: managed.account_type, domain_name: managed.domain_name },
    { ver: '1.0', account_type: 'Managed', domain_name: 'contoso.test' },
  );
  assert.equal((await realm('x@elsewhere.test')).account_type, 'Unknown');
});

test('the v1 endpoint /{tenant}/oauth2/token serves ROPC with resource, in the v1 reply shape', async () => {
  const post = (form: Record<string, string>) =>
    request(`${s.url}/${s.tenant}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: s.clientId,
        username: ALICE.username,
        password: ALICE.password,
        ...form,
      }).toString(),
    });
  const res = await post({ resource: 'https://graph.microsoft.com' });
  assert.equal(res.statusCode, 200);
  const j = (await res.body.json()) as Record<string, unknown>;
  assert.equal(j.resource, 'https://graph.microsoft.com');
  assert.equal(j.token_type, 'Bearer');
  assert.match(String(j.expires_in), /^\d+$/);
  assert.equal(typeof j.expires_in, 'string', 'v1 sends numbers as strings');
  assert.equal(typeof j.expires_on, 'string');
  assert.equal(typeof j.access_token, 'string');
  const none = await post({});
  assert.equal(none.statusCode, 400);
  assert.match(
    String(((await none.body.json()) as Record<string, unknown>).error_description),
    /parameter: 'resource'/,
  );
  const unknown = await post({ resource: 'https://nowhere.example' });
  assert.deepEqual(((await unknown.body.json()) as { error_codes: number[] }).error_codes, [500011]);
});

test('50034 hides the UPN as {EmailHidden}', async () => {
  const r = await ropc(s, { username: 'ghost@contoso.test' });
  assertEntraError(r, 50034, 400, 'invalid_grant');
  assert.match(
    String(r.json.error_description),
    /^AADSTS50034: The user account \{EmailHidden\} does not exist/,
  );
  assert.doesNotMatch(String(r.json.error_description), /ghost/);
});
