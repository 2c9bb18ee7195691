/** The optional preflight check of the tenant's PTA agents through Microsoft Graph (delegated token only). */
import { createDispatcher } from '../../transport/dispatcher.js';
import type { ProxySetting } from '../../transport/proxy-env.js';
import { parseAuthority } from './authority.js';
import { GRAPH_TOKEN_ENV, type PreflightCheck } from './preflight-verdicts.js';

/** Another Graph endpoint (a national cloud's, or a stand-in on loopback for tests). */
const GRAPH_URL_ENV = 'PTALOAD_GRAPH_URL';

const GRAPH_BY_AUTHORITY: Readonly<Record<string, string>> = {
  'login.microsoftonline.com': 'https://graph.microsoft.com',
  'login.microsoftonline.us': 'https://graph.microsoft.us',
  'login.partner.microsoftonline.cn': 'https://microsoftgraph.chinacloudapi.cn',
};

const AGENTS_PATH = '/beta/onPremisesPublishingProfiles/authentication/agents';
const TIMEOUT_MS = 15_000;

/** The Graph endpoint of the authority's cloud, or the one the environment names. */
export function graphBase(authorityUrl: string, env: Readonly<Record<string, string | undefined>>): string {
  const given = env[GRAPH_URL_ENV];
  if (given) return parseAuthority(given, GRAPH_URL_ENV).url;
  return GRAPH_BY_AUTHORITY[new URL(authorityUrl).hostname.toLowerCase()] ?? 'https://graph.microsoft.com';
}

interface AgentRow {
  readonly machineName?: unknown;
  readonly externalIp?: unknown;
  readonly status?: unknown;
}

/** What Graph's list of authentication agents says, in words. */
export function agentsVerdict(status: number, json: unknown): PreflightCheck {
  const fail = (detail: string): PreflightCheck => ({ name: 'agents', status: 'fail', detail });
  if (status === 401) {
    return fail(
      `Graph refused the token in ${GRAPH_TOKEN_ENV} (HTTP 401): it is missing, expired or for another resource; get a fresh delegated token for https://graph.microsoft.com.`,
    );
  }
  if (status === 403) {
    return fail(
      `Graph said the token may not list the agents (HTTP 403). The API takes a delegated token only (application permissions are not supported): sign in as a Global Administrator or Hybrid Identity Administrator with the permission Policy.Read.HybridAuthentication (or Directory.ReadWrite.All).`,
    );
  }
  const rows = (json as { value?: unknown } | undefined)?.value;
  if (status !== 200 || !Array.isArray(rows)) {
    return fail(`Graph answered HTTP ${status} without a list of agents.`);
  }
  const agents = rows as AgentRow[];
  const active = agents.filter((a) => String(a.status).toLowerCase() === 'active');
  const list = agents
    .slice(0, 10)
    .map(
      (a) =>
        `${String(a.machineName ?? '?')} (${String(a.status ?? '?')}${a.externalIp ? `, ${String(a.externalIp)}` : ''})`,
    )
    .join(', ');
  if (agents.length === 0) {
    return fail(
      'the tenant has no PTA agents registered: pass-through authentication is off, so sign-ins are not validated by agents (password hash sync or federation instead).',
    );
  }
  if (active.length === 0) {
    return fail(
      `none of the ${agents.length} registered PTA agent(s) is active: ${list}. Sign-ins would fail with AADSTS80001; start the agents (service "Microsoft Entra Connect Authentication Agent") first.`,
    );
  }
  return {
    name: 'agents',
    status: active.length < 3 ? 'warn' : 'ok',
    detail: `${active.length} of ${agents.length} PTA agent(s) active: ${list}${agents.length > 10 ? ', …' : ''}${active.length < 3 ? '. Microsoft advises at least 3 in production.' : ''}`,
  };
}

/** Lists the tenant's PTA agents with the token from the environment; undefined when no token is given. */
export async function checkAgents(opts: {
  readonly authorityUrl: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly ca?: string | undefined;
  readonly proxy?: ProxySetting | undefined;
}): Promise<PreflightCheck | undefined> {
  const token = opts.env[GRAPH_TOKEN_ENV];
  if (!token) return undefined;
  const base = graphBase(opts.authorityUrl, opts.env);
  const dispatcher = createDispatcher({
    origin: new URL(base).origin,
    connections: 1,
    connectTimeoutMs: TIMEOUT_MS,
    headersTimeoutMs: TIMEOUT_MS,
    bodyTimeoutMs: TIMEOUT_MS,
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
  });
  try {
    const url = new URL(AGENTS_PATH, base);
    const res = await dispatcher.request({
      origin: url.origin,
      path: url.pathname,
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return agentsVerdict(res.statusCode, json);
  } catch (err) {
    return {
      name: 'agents',
      status: 'fail',
      detail: `could not reach Microsoft Graph at ${base} (${(err as Error).message}); check the network path and proxy, or unset ${GRAPH_TOKEN_ENV} to skip this check.`,
    };
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}
