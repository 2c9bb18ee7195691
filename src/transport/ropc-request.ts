import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { TargetError } from '../errors.js';
import { formEncode } from './form-encoding.js';

/** `{authority}/{tenant}/oauth2/v2.0/token`, keeping any path the authority has (a sim behind a prefix). */
export function tokenUrl(authority: URL | string, tenant: string): string {
  let url: URL;
  try {
    url = new URL(authority);
  } catch {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `authority '${String(authority)}' is not a URL: give one like https://login.microsoftonline.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `authority '${url.href}' must be an https:// (or http://) URL`,
    );
  }
  const base = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${base}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
}

export interface RopcRequestOptions {
  /** The token endpoint, e.g. from `tokenUrl()`. */
  readonly tokenUrl: URL | string;
  readonly clientId: string;
  /** Space-separated scopes, e.g. `openid profile`. */
  readonly scope: string;
  /** Only for a confidential client. Held inside the request template and never printed. */
  readonly clientSecret?: string;
}

const REDACTED = '[redacted]';

/**
 * Everything about a ROPC token request that does not change between sign-ins, prepared once, so a
 * sign-in costs one string concatenation for the body and one id for the headers. The client secret
 * lives only inside the body template, and this object prints itself without it.
 */
export class RopcRequest {
  readonly url: string;
  /** `scheme://host:port`, what undici dispatches on. */
  readonly origin: string;
  readonly path: string;
  readonly clientId: string;
  readonly scope: string;
  readonly confidential: boolean;
  readonly #prefix: string;

  constructor(options: RopcRequestOptions) {
    const url = new URL(options.tokenUrl);
    this.url = url.href;
    this.origin = url.origin;
    this.path = url.pathname + url.search;
    this.clientId = options.clientId;
    this.scope = options.scope;
    this.confidential = options.clientSecret !== undefined;
    const secret =
      options.clientSecret === undefined ? '' : `&client_secret=${formEncode(options.clientSecret)}`;
    this.#prefix = `client_id=${formEncode(options.clientId)}&scope=${formEncode(options.scope)}&grant_type=password${secret}&username=`;
  }

  /** The form body for one sign-in. */
  body(username: string, password: string): string {
    return this.#prefix + formEncode(username) + '&password=' + formEncode(password);
  }

  /** The same, for a username and password already passed through `formEncode` (a worker can encode its users once). */
  bodyEncoded(encodedUsername: string, encodedPassword: string): string {
    return this.#prefix + encodedUsername + '&password=' + encodedPassword;
  }

  /**
   * The body up to `username=` as bytes, for a caller that appends users' pre-encoded bytes itself (the load
   * generator). Holds the client secret when there is one: keep it in memory only.
   */
  prefixBytes(): Buffer {
    return Buffer.from(this.#prefix, 'latin1');
  }

  /** Request headers as undici's flat list, with a fresh `client-request-id` (Entra echoes it and logs it). */
  headers(): string[] {
    return [
      'content-type',
      'application/x-www-form-urlencoded',
      'accept',
      'application/json',
      'client-request-id',
      randomUUID(),
      'return-client-request-id',
      'true',
    ];
  }

  toString(): string {
    const secret = this.confidential ? `, client_secret=${REDACTED}` : '';
    return `RopcRequest(POST ${this.url}, client_id=${this.clientId}, scope=${this.scope}${secret})`;
  }

  toJSON(): Record<string, unknown> {
    return {
      url: this.url,
      clientId: this.clientId,
      scope: this.scope,
      confidential: this.confidential,
      ...(this.confidential ? { clientSecret: REDACTED } : {}),
    };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
