import { type Dispatcher, Pool, ProxyAgent } from 'undici';
import { bypassesProxy, type ProxySetting } from './proxy-env.js';
import { trustContext } from './tls-trust.js';

export type { Dispatcher } from 'undici';

export interface DispatcherOptions {
  /** `scheme://host:port` of the token endpoint; one dispatcher serves one origin. */
  readonly origin: string;
  /** Cap on open connections; undici opens them as demand grows, up to this. */
  readonly connections: number;
  /** Requests per connection at a time. Only 1: Entra (like most servers) gains nothing from pipelining. */
  readonly pipelining?: 1;
  readonly connectTimeoutMs: number;
  /** Time allowed for a reply's headers once the request is on the wire. */
  readonly headersTimeoutMs: number;
  /** Time allowed between body chunks. */
  readonly bodyTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed (a server's Keep-Alive hint may shorten it). */
  readonly keepAliveTimeoutMs?: number;
  /** An extra CA (PEM) to trust besides the public roots and NODE_EXTRA_CA_CERTS. */
  readonly ca?: string | Buffer;
  /**
   * Certificates are always verified, even when NODE_TLS_REJECT_UNAUTHORIZED=0 is set in the environment.
   * There is deliberately no way to turn that off: give the CA instead.
   */
  readonly rejectUnauthorized?: true;
  /** An HTTP(S) proxy to tunnel through (see `proxyFromEnv`), unless its `noProxy` exempts the origin. */
  readonly proxy?: ProxySetting;
}

/**
 * The undici dispatcher for one token endpoint: a keep-alive Pool, or a ProxyAgent that opens a CONNECT
 * tunnel per connection. The proxy decision is taken here once, not per request as undici's
 * EnvHttpProxyAgent does, since a run only ever talks to one origin.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  if (!Number.isInteger(options.connections) || options.connections < 1) {
    throw new RangeError(`connections must be an integer ≥ 1, got ${options.connections}`);
  }
  const secureContext = trustContext(options.ca);
  const tls = {
    rejectUnauthorized: true,
    timeout: options.connectTimeoutMs,
    ...(secureContext ? { secureContext } : {}),
  };
  const common = {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeout: options.keepAliveTimeoutMs } : {}),
  };
  const proxy = options.proxy;
  if (proxy === undefined || (proxy.noProxy !== undefined && bypassesProxy(proxy.noProxy, options.origin))) {
    return new Pool(options.origin, { ...common, connect: tls });
  }
  return new ProxyAgent({
    ...common,
    uri: proxy.uri,
    requestTls: tls,
    proxyTls: tls,
    // The tunnel request itself must not wait on undici's 300 s default when a proxy hangs.
    clientFactory: (origin, opts) =>
      new Pool(origin, {
        ...opts,
        headersTimeout: options.connectTimeoutMs,
        bodyTimeout: options.connectTimeoutMs,
      }),
  });
}
