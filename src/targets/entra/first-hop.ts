/** Where a real-tenant run's bytes go first: the authority itself, or the proxy the environment puts in front of it. */
import { TargetError } from '../../errors.js';
import { type ProxySetting, proxyFromEnv, redactProxyUri } from '../../transport/proxy-env.js';
import type { Authority } from './authority.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface FirstHop {
  readonly authority: Authority;
  /** The proxy every request goes through (after NO_PROXY), or none. */
  readonly proxy?: ProxySetting;
  /**
   * Nothing sent leaves this machine: a loopback authority reached directly. Through a proxy it is never
   * local, even a proxy on 127.0.0.1: that may be a tunnel to another host (ssh -L, a corporate agent),
   * and a CONNECT to "127.0.0.1" then means that host's loopback, not ours.
   */
  readonly local: boolean;
}

/**
 * The first hop, judged before any connection or lookup: the interlocks (tenant confirmation, plain http)
 * are decided on this, never on the authority's address alone.
 */
export function firstHop(authority: Authority, env: Env): FirstHop {
  const proxy = proxyFromEnv(env, authority.url);
  if (proxy === undefined) return { authority, local: authority.loopback };
  if (authority.origin.startsWith('http:')) {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `the authority ${authority.url} is plain http, and the environment (http_proxy / HTTP_PROXY) sends every request through the proxy ${redactProxyUri(proxy.uri)}, so passwords would reach the proxy unencrypted. Add the authority's host to NO_PROXY (for example NO_PROXY=127.0.0.1) or use an https:// authority.`,
    );
  }
  return { authority, proxy, local: false };
}

/** For messages: why a loopback authority still counts as remote. */
export function proxiedNote(hop: FirstHop): string {
  if (!hop.authority.loopback || hop.proxy === undefined) return '';
  return ` (${hop.authority.url} is a loopback address, but HTTPS_PROXY / https_proxy sends every request to the proxy ${redactProxyUri(hop.proxy.uri)} first, which may forward it to another host; add the authority's host to NO_PROXY to reach it directly)`;
}
