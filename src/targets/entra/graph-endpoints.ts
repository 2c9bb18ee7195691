/** Where a tenant's Microsoft Graph is, and the token endpoint an app-only Graph token comes from. */
import { UsageError } from '../../errors.js';

/** Each national cloud's Graph, by its login host (Microsoft Graph national cloud deployments). */
const GRAPH_BY_LOGIN_HOST: Readonly<Record<string, string>> = {
  'login.microsoftonline.com': 'https://graph.microsoft.com',
  'login.microsoftonline.us': 'https://graph.microsoft.us',
  'login.partner.microsoftonline.cn': 'https://microsoftgraph.chinacloudapi.cn',
};

/**
 * The Graph origin for a run's authority: the cloud's own, or, for a stand-in authority (a loopback simulator),
 * the authority's origin, which serves Graph beside its token endpoint. `--graph-url` overrides; it must be
 * https, or http to a loopback address, as the token it carries is a credential.
 */
export function graphEndpoints(
  authorityUrl: string,
  tenant: string,
  override?: string,
): { graph: URL; token: URL } {
  const authority = new URL(authorityUrl);
  const given = override ?? GRAPH_BY_LOGIN_HOST[authority.hostname] ?? authority.origin;
  let graph: URL;
  try {
    graph = new URL(given);
  } catch {
    throw new UsageError(`--graph-url: '${given}' is not a URL; give one like https://graph.microsoft.com.`);
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|\[::1\])$/.test(graph.hostname);
  if (graph.protocol !== 'https:' && !(graph.protocol === 'http:' && loopback)) {
    throw new UsageError(
      `--graph-url ${graph.href}: a Graph token would travel in clear; use https:// (http:// only to 127.0.0.1 or [::1]).`,
    );
  }
  const token = new URL(`/${encodeURIComponent(tenant)}/oauth2/v2.0/token`, authority.origin);
  return { graph: new URL(graph.origin), token };
}
