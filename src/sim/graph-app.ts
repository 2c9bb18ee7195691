/** The simulated tenant's app-only Graph access: client credentials (secret or certificate assertion) → bearer tokens for the sign-in logs. */
import { createHash, randomBytes, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import { AADSTS, type AadstsCode } from '../protocol/aadsts.js';
import { GRAPH_DEFAULT_SCOPE, SIGNIN_LOG_PERMISSION } from '../protocol/graph-signin.js';
import type { Clock, GraphAppRegistration } from './options.js';

interface IssuedToken {
  readonly appId: string;
  readonly expiresAtMs: number;
  readonly roles: readonly string[];
}

export type GrantReply =
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly status: number;
      readonly entry: AadstsCode;
      readonly vars?: Record<string, string>;
    };

export type TokenCheck =
  | { readonly ok: true; readonly appId: string }
  | { readonly ok: false; readonly status: 401 | 403; readonly code: string; readonly message: string };

export class GraphApps {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly apps: Map<string, GraphAppRegistration>;

  constructor(
    apps: readonly GraphAppRegistration[],
    private readonly clock: Clock,
    private readonly lifetimeS = 3600,
  ) {
    this.apps = new Map(apps.map((a) => [a.clientId.toLowerCase(), a]));
  }

  /** `grant_type=client_credentials` at `tokenUrl`, as Entra answers it for Graph's `.default` scope. */
  clientCredentials(form: URLSearchParams, tokenUrl: string): GrantReply {
    const clientId = form.get('client_id') ?? '';
    const app = this.apps.get(clientId.toLowerCase());
    if (!app) return { ok: false, status: 400, entry: AADSTS.appNotFound, vars: { app: clientId } };
    const scope = form.get('scope') ?? '';
    if (scope !== GRAPH_DEFAULT_SCOPE)
      return { ok: false, status: 400, entry: AADSTS.invalidScope, vars: { scope } };
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    const proven =
      secret !== null
        ? app.secret !== undefined && same(secret, app.secret)
        : assertion !== null &&
          app.certificatePem !== undefined &&
          this.assertionValid(assertion, app, tokenUrl);
    if (!proven)
      return { ok: false, status: 401, entry: AADSTS.wrongSecret, vars: { clientId: app.clientId } };
    return {
      ok: true,
      body: this.issue(app.clientId, app.permissions ?? [SIGNIN_LOG_PERMISSION], this.lifetimeS),
    };
  }

  /** A token for tests and the admin API: any lifetime, expired ones included. */
  issue(appId: string, roles: readonly string[], lifetimeS: number): Record<string, unknown> {
    const token = `simgraph.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { appId, roles, expiresAtMs: this.clock.now() + lifetimeS * 1000 });
    return { token_type: 'Bearer', expires_in: lifetimeS, ext_expires_in: lifetimeS, access_token: token };
  }

  /** Graph's answers to a bearer token: 401 when missing, unknown or expired, 403 without the permission. */
  check(authorization: string | undefined, permission: string): TokenCheck {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token)
      return {
        ok: false,
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: 'Access token is empty.',
      };
    const t = this.tokens.get(token);
    if (!t)
      return {
        ok: false,
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: 'Access token validation failure. Invalid audience.',
      };
    if (t.expiresAtMs <= this.clock.now()) {
      return {
        ok: false,
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: 'Lifetime validation failed, the token is expired.',
      };
    }
    if (!t.roles.includes(permission)) {
      return {
        ok: false,
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      };
    }
    return { ok: true, appId: t.appId };
  }

  /** RFC 7523: RS256 JWT signed by the app's certificate key, for this token endpoint, not expired, iss = sub = the app. */
  private assertionValid(jwt: string, app: GraphAppRegistration, tokenUrl: string): boolean {
    const [h, c, s] = jwt.split('.');
    if (!h || !c || !s) return false;
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as {
        alg?: string;
        x5t?: string;
      };
      const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
      const cert = new X509Certificate(app.certificatePem!);
      const thumb = createHash('sha1').update(cert.raw).digest().toString('base64url');
      const now = this.clock.now() / 1000;
      return (
        header.alg === 'RS256' &&
        header.x5t === thumb &&
        claims.aud === tokenUrl &&
        claims.iss === app.clientId &&
        claims.sub === app.clientId &&
        typeof claims.exp === 'number' &&
        claims.exp > now &&
        verify('RSA-SHA256', Buffer.from(`${h}.${c}`), cert.publicKey, Buffer.from(s, 'base64url'))
      );
    } catch {
      return false;
    }
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
