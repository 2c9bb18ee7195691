import assert from 'node:assert/strict';
import { after } from 'node:test';
import { type Dispatcher, request } from 'undici';
import type { TestUser } from '../../src/protocol/test-user.js';
import { type SimHandle, type SimOptions, startSim } from '../../src/sim/server.js';

export const ALICE: TestUser = {
  username: 'alice@contoso.test',
  password: 'Correct-Horse-1',
  state: 'active',
};
export const USERS: TestUser[] = [
  ALICE,
  { username: 'bob@contoso.test', password: 'Bob-Pass-2', state: 'active' },
  { username: 'dave@contoso.test', password: 'Dave-Pass-3', state: 'disabled' },
  { username: 'erin@contoso.test', password: 'Erin-Pass-4', state: 'expired' },
  { username: 'mfa@contoso.test', password: 'Mfa-Pass-5', state: 'mfa' },
];

/** A sim on 127.0.0.1:0 that is closed when the test file ends. */
export async function sim(options: SimOptions = {}): Promise<SimHandle> {
  const handle = await startSim({ users: USERS, seed: 1, ...options });
  after(() => handle.close());
  return handle;
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: Record<string, unknown>;
  readonly agent: string | undefined;
  /** The AADSTS code of an error reply (0 for success). */
  readonly code: number;
}

/** A plain form POST of a ROPC request, as any OAuth client would send it. */
export async function ropc(
  s: SimHandle,
  fields: Record<string, string | undefined> = {},
  opts: { tenant?: string; headers?: Record<string, string>; dispatcher?: Dispatcher } = {},
): Promise<Reply> {
  const form: Record<string, string> = {};
  const all = {
    grant_type: 'password',
    client_id: s.clientId,
    scope: 'openid profile offline_access',
    username: ALICE.username,
    password: ALICE.password,
    ...fields,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) form[k] = v;
  const res = await request(`${s.url}/${opts.tenant ?? s.tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    body: new URLSearchParams(form).toString(),
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  });
  const json = (await res.body.json()) as Record<string, unknown>;
  const agent = res.headers['x-ptaload-agent'];
  return {
    status: res.statusCode,
    headers: res.headers,
    json,
    agent: Array.isArray(agent) ? agent[0] : agent,
    code: Array.isArray(json.error_codes) ? (json.error_codes[0] as number) : 0,
  };
}

/** Calls the admin API; `token` defaults to the sim's. */
export async function admin(
  s: SimHandle,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  token: string | null = s.adminToken,
): Promise<{ status: number; json: unknown }> {
  const res = await request(`${s.url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : null };
}

/** Counts replies by code and by agent. */
export function tally(replies: readonly Reply[]) {
  const byCode = new Map<number, number>();
  const byAgent = new Map<string, number>();
  for (const r of replies) {
    byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
    if (r.agent) byAgent.set(r.agent, (byAgent.get(r.agent) ?? 0) + 1);
  }
  return { byCode, byAgent };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const STAMP = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ';

/** Asserts an Entra-shaped token error: status, `error`, every field and the description's layout. */
export function assertEntraError(r: Reply, code: number, status: number, error: string): void {
  const j = r.json;
  const where = `reply ${JSON.stringify(j).slice(0, 300)}`;
  assert.equal(r.status, status, where);
  assert.deepEqual(Object.keys(j).sort(), [
    'correlation_id',
    'error',
    'error_codes',
    'error_description',
    'error_uri',
    ...(code === 50076 ? ['suberror'] : []),
    'timestamp',
    'trace_id',
  ]);
  assert.equal(j.error, error, where);
  assert.deepEqual(j.error_codes, [code], where);
  const desc = new RegExp(
    `^AADSTS${code}: [^\\r\\n]+\\r\\nTrace ID: (${GUID})\\r\\nCorrelation ID: (${GUID})\\r\\nTimestamp: (${STAMP})$`,
  ).exec(String(j.error_description));
  assert.ok(desc, `error_description layout: ${where}`);
  assert.deepEqual(desc.slice(1), [j.trace_id, j.correlation_id, j.timestamp], where);
  assert.equal(j.error_uri, `https://login.microsoftonline.com/error?code=${code}`);
}

/**
 * Open-model load: `rate` sign-ins/s for `durationMs`, sent on schedule whether or not earlier ones
 * were answered. Resolves with every reply and how long the sending took.
 */
export async function drive(
  s: SimHandle,
  rate: number,
  durationMs: number,
  fields: Record<string, string> = {},
): Promise<{ replies: Reply[]; sendingMs: number }> {
  const pending: Promise<Reply>[] = [];
  const total = Math.round((rate * durationMs) / 1000);
  const start = performance.now();
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (pending.length < due) pending.push(ropc(s, fields));
    await sleep(10);
  }
  const sendingMs = performance.now() - start;
  return { replies: await Promise.all(pending), sendingMs };
}

/** Polls `cond` every 5 ms, for at most `limitMs` (a bound, not a timing assertion). */
export async function until(cond: () => boolean, limitMs = 5000): Promise<void> {
  for (let waited = 0; !cond(); waited += 5) {
    if (waited >= limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await sleep(5);
  }
}
