import { BlockList, isIP } from 'node:net';
import { TargetError } from '../errors.js';

export interface ProxySetting {
  /** `http://[user:password@]host:port` (https:// for a TLS proxy). */
  readonly uri: string;
  /** NO_PROXY-style list of hosts that bypass the proxy. */
  readonly noProxy?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function firstSet(env: Env, names: readonly string[]): [string, string] | undefined {
  for (const name of names) {
    const v = env[name]?.trim();
    if (v) return [name, v];
  }
  return undefined;
}

const DEFAULT_PORT: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** Splits `host`, `host:port`, `[v6]:port`, `v6` (no port) into host and port. */
function splitEntry(entry: string): { host: string; port: number | undefined } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracket) return { host: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : undefined };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort) return { host: hostPort[1]!, port: Number(hostPort[2]) };
  return { host: entry, port: undefined };
}

function inSubnet(host: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const family = isIP(net ?? '');
  const hostFamily = isIP(host);
  if (family === 0 || hostFamily !== family || !/^\d+$/.test(bits ?? '')) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  try {
    list.addSubnet(net!, Number(bits), type);
  } catch {
    return false;
  }
  return list.check(host, type);
}

/**
 * Whether a NO_PROXY list exempts `target`. Entries are separated by commas or spaces: `*` (everything),
 * `host` (that host and its subdomains), `.suffix` or `*.suffix` (the same: the leading part is ignored,
 * as curl does), an IP address, a CIDR range (`10.0.0.0/8`), any of these with `:port` to match only
 * that port. Matching ignores case and a trailing dot.
 */
export function bypassesProxy(noProxy: string, target: URL | string): boolean {
  const url = typeof target === 'string' ? new URL(target) : target;
  const host = hostOf(url);
  const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol];
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (inSubnet(host, entry)) return true;
      continue;
    }
    const split = splitEntry(entry);
    if (split.port !== undefined && split.port !== port) continue;
    const name = split.host.replace(/^\*?\./, '').replace(/\.$/, '');
    if (!name) continue;
    if (host === name) return true;
    if (isIP(name) === 0 && host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * The proxy to use for `target` from the environment, as curl and most tools read it: `https_proxy` /
 * `HTTPS_PROXY` for https targets, `http_proxy` / `HTTP_PROXY` for http ones (lower case first), unless
 * `no_proxy` / `NO_PROXY` exempts the target. A proxy given without a scheme is taken as http://.
 */
export function proxyFromEnv(env: Env, target: URL | string): ProxySetting | undefined {
  const url = typeof target === 'string' ? new URL(target) : target;
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const found = firstSet(env, names);
  if (!found) return undefined;
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY'])?.[1];
  if (noProxy !== undefined && bypassesProxy(noProxy, url)) return undefined;
  const uri = normaliseProxyUri(found[1], found[0]);
  return noProxy === undefined ? { uri } : { uri, noProxy };
}

function normaliseProxyUri(value: string, source: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `${source} is not a proxy URL: set it like http://proxy.example:3128 (got '${redactProxyUri(value)}')`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `${source} uses '${url.protocol}', which ptaload does not support: give an http:// or https:// proxy`,
    );
  }
  return url.href;
}

/** The proxy URI fit to print: any password replaced. */
export function redactProxyUri(uri: string): string {
  return uri.replace(/(\/\/[^/:@]*):[^/@]*@/, '$1:***@');
}
