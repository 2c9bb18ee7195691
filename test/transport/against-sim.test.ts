import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestUser } from '../../src/protocol/test-user.js';
import { type SimHandle, startSim } from '../../src/sim/server.js';
import { explainConfigError } from '../../src/transport/aadsts-outcomes.js';
import { createDispatcher, type Dispatcher } from '../../src/transport/dispatcher.js';
import { RopcRequest, tokenUrl } from '../../src/transport/ropc-request.js';
import { sendSignIn } from '../../src/transport/send.js';

const users: TestUser[] = [
  { username: 'ada@contoso.test', password: 'Corr3ct&Horse=+%', state: 'active' },
  { username: 'bob@contoso.test', password: 'Bob-pass-1!', state: 'disabled' },
  { username: 'cy@contoso.test', password: 'Cy-pass-1!', state: 'expired' },
  { username: 'di@contoso.test', password: 'Di-pass-1!', state: 'mfa' },
];

describe('transport against the simulated tenant over TLS', () => {
  let sim: SimHandle;
  let dispatcher: Dispatcher;
  let ropc: RopcRequest;
  const send = (request: RopcRequest, username: string, password: string) =>
    sendSignIn(dispatcher, request, request.body(username, password), { timeoutMs: 10_000 });

  before(async () => {
    sim = await startSim({ tls: true, users, seed: 1 });
    dispatcher = createDispatcher({
      origin: sim.url,
      connections: 4,
      connectTimeoutMs: 5_000,
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 10_000,
      ca: sim.caPem!,
    });
    ropc = new RopcRequest({
      tokenUrl: tokenUrl(sim.url, sim.tenant),
      clientId: sim.clientId,
      scope: 'openid profile',
    });
  });
  after(async () => {
    await dispatcher.close();
    await sim.close();
  });

  test('a right password signs in, and the sim names the agent', async () => {
    const reply = await send(ropc, 'ada@contoso.test', 'Corr3ct&Horse=+%');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.classified, { outcome: 'success' });
    assert.match(reply.agent ?? '', /^agent-\d+$/);
  });

  test('the user-side answers come back classified', async () => {
    const cases: Array<[string, string, string]> = [
      ['ada@contoso.test', 'wrong', 'invalid_credentials'],
      ['nobody@contoso.test', 'x', 'user_not_found'],
      ['bob@contoso.test', 'Bob-pass-1!', 'disabled'],
      ['cy@contoso.test', 'Cy-pass-1!', 'password_expired'],
      ['di@contoso.test', 'Di-pass-1!', 'mfa_required'],
    ];
    for (const [user, password, outcome] of cases) {
      const reply = await send(ropc, user, password);
      assert.equal(reply.classified.outcome, outcome, `${user}: ${JSON.stringify(reply.classified)}`);
      assert.equal(typeof reply.classified.code, 'number');
    }
  });

  test('an app the tenant does not know is a config error with the fix', async () => {
    const stranger = new RopcRequest({
      tokenUrl: tokenUrl(sim.url, sim.tenant),
      clientId: '00000000-0000-4000-8000-000000000000',
      scope: 'openid profile',
    });
    const reply = await send(stranger, 'ada@contoso.test', 'Corr3ct&Horse=+%');
    assert.equal(reply.classified.outcome, 'config_error');
    assert.match(explainConfigError(reply.classified.code!), /target\.clientId/);
  });
});
