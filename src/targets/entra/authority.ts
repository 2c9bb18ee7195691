import { isIP } from 'node:net';
import { TargetError } from '../../errors.js';
import { AUTHORITY_HOSTS } from '../../profile/schema-target.js';
import { tokenUrl } from '../../transport/ropc-request.js';

/** Where a real-tenant run signs in: the authority host (a cloud's login host, or a test stand-in). */
export interface Authority {
  /** As given, without a trailing slash: `https://login.microsoftonline.com`. */
  readonly url: string;
  /** `scheme://host:port`, what a dispatcher serves. */
  readonly origin: string;
  /**
   * A literal loopback address (127.0.0.0/8, ::1). Only then, and only when reached without a proxy
   * (see first-hop.ts), may the tenant go unconfirmed and plain http be used: nothing sent leaves this machine. Names such as `localhost` do not count, because what a
   * name resolves to is not known before a lookup, and the interlock must decide before any lookup.
   */
  readonly loopback: boolean;
}

/**
 * Reads an authority host: a cloud's name (public, usgov, china) or a URL. https always; http only for a
 * loopback address, since passwords go in the request body.
 */
export function parseAuthority(text: string, source: string): Authority {
  const named = AUTHORITY_HOSTS[text as keyof typeof AUTHORITY_HOSTS];
  const given = named ?? text;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `${source} '${text}' is neither a cloud (public, usgov, china) nor a URL: give one like https://login.microsoftonline.com`,
    );
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `${source} '${url.href}' is plain http to a host that is not a loopback address; passwords would cross the network unencrypted. Use https:// (http:// is accepted only for 127.0.0.1 or [::1], e.g. a local ptaload sim)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `${source} '${url.href}' must be an https:// URL (or a cloud name: public, usgov, china)`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `${source} must be a plain URL without query, fragment or credentials, like https://login.microsoftonline.com`,
    );
  }
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, origin: url.origin, loopback };
}

/** 127.0.0.0/8 and ::1 written as literals (URL hostnames keep IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || /^::ffff:127\./.test(host) || /^::ffff:7f/.test(host);
  return false;
}

export function tokenEndpoint(a: Authority, tenant: string): URL {
  return new URL(tokenUrl(a.url, tenant));
}

export function discoveryUrl(a: Authority, tenant: string): URL {
  return new URL(`${a.url}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`);
}

export function realmUrl(a: Authority, login: string): URL {
  return new URL(`${a.url}/getuserrealm.srf?login=${encodeURIComponent(login)}&json=1`);
}
