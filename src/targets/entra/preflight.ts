import { basename } from 'node:path';
import { TargetError, UsageError, UsersError } from '../../errors.js';
import type { LoadedProfile } from '../../profile/load.js';
import { formatRate } from '../../profile/quantities.js';
import { explainConfigError } from '../../transport/aadsts-outcomes.js';
import { classifyError } from '../../transport/classify-error.js';
import { createDispatcher, type Dispatcher } from '../../transport/dispatcher.js';
import { ReplyDeadline, readBodyText } from '../../transport/reply-body.js';
import { RopcRequest } from '../../transport/ropc-request.js';
import { sendSignIn } from '../../transport/send.js';
import { readUsersFile } from '../../users/csv.js';
import { discoveryUrl, parseAuthority, realmUrl } from './authority.js';
import { type EntraConnection, resolveConnection } from './connection.js';
import { firstHop } from './first-hop.js';
import type { EntraFlags } from './flags.js';
import { checkAgents } from './graph-agents.js';
import { confirmRefusal, loadRefusals } from './interlocks.js';
import { type PreflightCheck, realmVerdict, signInVerdict } from './preflight-verdicts.js';

export interface PreflightReport {
  readonly ready: boolean;
  readonly tenant: string;
  readonly authority: string;
  readonly checks: readonly PreflightCheck[];
  /** Requests made to the tenant (at most 3), whether or not they got through. */
  readonly requests: number;
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Is this tenant ready for a load run? Discovery document, realm of the first user's domain (Managed is PTA
 * or password hash sync; Federated only reaches PTA through staged rollout), the PTA agents through Graph
 * when a token is given, one sign-in with that user, what that says about the app's public-client setting,
 * and whether the profile's load fits the interlocks. Four requests at most, only after the tenant is confirmed.
 */
export async function runPreflight(
  loaded: LoadedProfile,
  opts: { entra: EntraFlags; env: Readonly<Record<string, string | undefined>>; log: (line: string) => void },
): Promise<PreflightReport> {
  const { profile } = loaded;
  const t = profile.target;
  if (t.kind !== 'entra') {
    throw new UsageError(
      'preflight checks a real tenant: give a profile with target.kind: entra, or --target entra with --tenant, --client-id and --users.',
    );
  }
  const flags = opts.entra;
  const authority = parseAuthority(t.authorityHost, 'target.authorityHost');
  const hop = firstHop(authority, opts.env);
  const unconfirmed = confirmRefusal(t.tenant, hop, flags.confirmTenant);
  if (unconfirmed) throw new TargetError('TARGET_REFUSED', unconfirmed);
  const file = profile.users.file;
  if (file === undefined)
    throw new UsersError('preflight needs users.file (or --users): the test users CSV.');
  const users = await readUsersFile(file);
  const first = users.find((u) => u.state === 'active') ?? users[0];
  if (!first) throw new UsersError(`${file}: no users; preflight signs in with the first one.`);

  const checks: PreflightCheck[] = [];
  const planProblems = loadRefusals({
    target: t,
    profile,
    userCount: users.length,
    usersName: basename(file),
  });
  const conn = await resolveConnection(t, hop, opts.env, opts.log);
  const dispatcher = createDispatcher({
    origin: authority.origin,
    connections: 1,
    connectTimeoutMs: REQUEST_TIMEOUT_MS,
    headersTimeoutMs: REQUEST_TIMEOUT_MS,
    bodyTimeoutMs: REQUEST_TIMEOUT_MS,
    ...(conn.ca ? { ca: conn.ca } : {}),
    ...(conn.proxy ? { proxy: conn.proxy } : {}),
  });
  let requests = 0;
  try {
    requests++;
    const discovery = await discover(dispatcher, conn, t.tenant);
    checks.push(discovery.check);
    const agents = await checkAgents({
      authorityUrl: authority.url,
      env: opts.env,
      ca: conn.ca,
      proxy: conn.proxy,
    });
    if (agents !== undefined) requests++;
    const agentsSeen = agents !== undefined && agents.status !== 'fail';
    if (discovery.reachable) {
      requests++;
      checks.push(await realm(dispatcher, conn, first.username, agentsSeen));
    } else {
      checks.push({ name: 'realm', status: 'skip', detail: 'not tried: the authority did not answer' });
    }
    if (agents !== undefined) checks.push(agents);
    if (discovery.check.status === 'ok') {
      requests++;
      const request = new RopcRequest({
        tokenUrl: conn.tokenUrl,
        clientId: t.clientId,
        scope: t.scope,
        ...(conn.clientSecret ? { clientSecret: conn.clientSecret } : {}),
      });
      const started = performance.now();
      const reply = await sendSignIn(dispatcher, request, request.body(first.username, first.password), {
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      const ms = Math.round(performance.now() - started);
      checks.push(
        ...signInVerdict(reply.classified, reply.status, first.username, ms, conn.clientSecret !== undefined),
      );
    } else {
      const why = 'not tried: the discovery document must be right first';
      checks.push({ name: 'sign-in', status: 'skip', detail: why });
      checks.push({ name: 'public client', status: 'skip', detail: why });
    }
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
  checks.push(
    planProblems.length === 0
      ? {
          name: 'load plan',
          status: 'ok',
          detail: `${users.length} users, rate cap ${formatRate(t.maxRate)}: the profile's load fits the interlocks`,
        }
      : { name: 'load plan', status: 'fail', detail: planProblems.join(' ') },
  );
  return {
    // A warning does not stop a run (a managed domain is fine, only not proven PTA); a skip or failure does.
    ready: checks.every((c) => c.status === 'ok' || c.status === 'warn'),
    tenant: t.tenant,
    authority: authority.url,
    checks,
    requests,
  };
}

async function getJson(
  dispatcher: Dispatcher,
  url: URL,
): Promise<{ status: number; json: Record<string, unknown> | undefined } | { error: string }> {
  // The same bounds as a sign-in: a deadline over the whole reply, and no more than the cap read.
  const deadline = new ReplyDeadline(REQUEST_TIMEOUT_MS);
  try {
    const res = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'GET',
      headers: { accept: 'application/json' },
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    deadline.watch(res.body);
    const { text } = await readBodyText(res.body);
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        json = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: a proxy's page, usually; the status says enough.
    }
    return { status: res.statusCode, json };
  } catch (err) {
    return { error: classifyError(err).detail ?? String(err) };
  } finally {
    deadline.clear();
  }
}

async function discover(
  dispatcher: Dispatcher,
  conn: EntraConnection,
  tenant: string,
): Promise<{ check: PreflightCheck; reachable: boolean }> {
  const url = discoveryUrl(conn.authority, tenant);
  const got = await getJson(dispatcher, url);
  const fail = (detail: string, reachable = true) => ({
    check: { name: 'discovery' as const, status: 'fail' as const, detail },
    reachable,
  });
  if ('error' in got) {
    return fail(
      `could not reach ${url.origin} (${got.error}). Check the network path, HTTPS_PROXY/NO_PROXY, and --ca if a proxy inspects TLS.`,
      false,
    );
  }
  const codes = got.json?.error_codes;
  if (got.status !== 200) {
    const code = Array.isArray(codes) && typeof codes[0] === 'number' ? codes[0] : undefined;
    return fail(
      `${url.href} answered HTTP ${got.status}${code === 90002 ? `: ${explainConfigError(90002)}` : code !== undefined ? ` (AADSTS${code})` : ''}`,
    );
  }
  const endpoint = typeof got.json?.token_endpoint === 'string' ? got.json.token_endpoint : undefined;
  if (endpoint === undefined) return fail(`${url.href} is not an OpenID configuration (no token_endpoint)`);
  let named: URL;
  try {
    named = new URL(endpoint);
  } catch {
    return fail(`the discovery document names a token endpoint that is not a URL: ${endpoint.slice(0, 200)}`);
  }
  const ours = conn.tokenUrl;
  const tenantId = named.pathname.split('/').filter(Boolean).at(-4);
  if (named.origin !== ours.origin || !named.pathname.endsWith('/oauth2/v2.0/token')) {
    return fail(
      `the tenant's token endpoint is ${named.href}, but ptaload would post to ${ours.href}: the authority host is not this tenant's cloud (set --authority-host / target.authorityHost to ${named.origin})`,
    );
  }
  return {
    check: {
      name: 'discovery',
      status: 'ok',
      detail: `token endpoint ${named.href}${tenantId ? ` (tenant id ${tenantId})` : ''}`,
    },
    reachable: true,
  };
}

async function realm(
  dispatcher: Dispatcher,
  conn: EntraConnection,
  login: string,
  agentsSeen: boolean,
): Promise<PreflightCheck> {
  const got = await getJson(dispatcher, realmUrl(conn.authority, login));
  if ('error' in got) return { name: 'realm', status: 'fail', detail: `realm lookup failed (${got.error})` };
  return realmVerdict(got.status, got.json, login, agentsSeen);
}
