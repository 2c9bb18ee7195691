import { randomBytes } from 'node:crypto';
import type { ScopeGrant } from './scope.js';
import { type DirectoryUser, objectId } from './user-directory.js';

/**
 * base64url of a JSON fragment padded with spaces (valid JSON whitespace) to a whole number of
 * 3-byte groups, so encoded fragments can be concatenated: base64(a + b) = base64(a) + base64(b).
 */
function segment(json: string): string {
  const pad = (3 - (Buffer.byteLength(json) % 3)) % 3;
  return Buffer.from(json + ' '.repeat(pad), 'utf8').toString('base64url');
}

interface GrantSegments {
  readonly access: string;
  readonly id: string;
}

/**
 * Issues token replies that look like Entra's (JWT-shaped access and id tokens, an opaque refresh
 * token) but cost about a microsecond: the claims are three concatenated base64 segments (per
 * grant, made once; per user; per sign-in), so only the short user and time parts are encoded per
 * sign-in. The signature is random bytes, not a signature: nothing should trust these tokens.
 */
export class TokenMinter {
  private readonly header = segment('{"typ":"JWT","alg":"RS256","kid":"ptaload-sim"}');
  private readonly signature = randomBytes(256).toString('base64url');
  private readonly refreshPrefix = `0.A${randomBytes(48).toString('base64url')}`;
  private readonly utiPrefix = randomBytes(9).toString('base64url');
  private readonly grants = new WeakMap<ScopeGrant, GrantSegments>();
  private serial = 0;

  constructor(
    private readonly tenant: string,
    private readonly clientId: string,
    /** Base URL of the sim (issuer of id tokens). */
    private readonly authority: string,
  ) {}

  /** The whole v2.0 200 body for a successful sign-in (`client_info` when the request asked with client_info=1). */
  reply(
    user: DirectoryUser,
    grant: ScopeGrant,
    nowMs: number,
    lifetimeS: number,
    clientInfo = false,
  ): string {
    const t = this.tokens(user, grant, nowMs, lifetimeS);
    let body =
      `{"token_type":"Bearer","scope":"${grant.scope}","expires_in":${lifetimeS},"ext_expires_in":${lifetimeS},` +
      `"access_token":"${t.access}"`;
    if (grant.refreshToken) body += `,"refresh_token":"${t.refresh}"`;
    if (grant.idToken) body += `,"id_token":"${t.id}"`;
    if (clientInfo) body += `,"client_info":"${this.clientInfo(user)}"`;
    return `${body}}`;
  }

  /** The v1 endpoint's body: numbers as strings, `expires_on`/`not_before`, the `resource`, and always a refresh token. */
  replyV1(
    user: DirectoryUser,
    grant: ScopeGrant,
    nowMs: number,
    lifetimeS: number,
    resource: string,
  ): string {
    const t = this.tokens(user, grant, nowMs, lifetimeS);
    const iat = Math.floor(nowMs / 1000);
    let body =
      `{"token_type":"Bearer","scope":"${grant.scp}","expires_in":"${lifetimeS}","ext_expires_in":"${lifetimeS}",` +
      `"expires_on":"${iat + lifetimeS}","not_before":"${iat}","resource":${JSON.stringify(resource)},` +
      `"access_token":"${t.access}","refresh_token":"${t.refresh}"`;
    if (grant.idToken) body += `,"id_token":"${t.id}"`;
    return `${body}}`;
  }

  private tokens(user: DirectoryUser, grant: ScopeGrant, nowMs: number, lifetimeS: number) {
    const iat = Math.floor(nowMs / 1000);
    const uti = this.utiPrefix + (this.serial++).toString(36);
    const upn = JSON.stringify(user.username);
    const oid = objectId(user);
    const who = segment(
      `"oid":"${oid}","sub":"${oid}","upn":${upn},"unique_name":${upn},"preferred_username":${upn},`,
    );
    const when = segment(`"iat":${iat},"nbf":${iat},"exp":${iat + lifetimeS},"uti":"${uti}"}`);
    const g = this.segments(grant);
    return {
      access: `${this.header}.${g.access}${who}${when}.${this.signature}`,
      id: `${this.header}.${g.id}${who}${when}.${this.signature}`,
      refresh: `${this.refreshPrefix}${uti}`,
    };
  }

  /** MSAL's account key: base64url of `{"uid":<object id>,"utid":<tenant id>}`. */
  private clientInfo(user: DirectoryUser): string {
    return Buffer.from(`{"uid":"${objectId(user)}","utid":"${this.tenant}"}`).toString('base64url');
  }

  private segments(grant: ScopeGrant): GrantSegments {
    let s = this.grants.get(grant);
    if (s === undefined) {
      s = {
        access: segment(
          `{"aud":"${grant.audience}","iss":"https://sts.windows.net/${this.tenant}/","amr":["pwd"],` +
            `"appid":"${this.clientId}","idtyp":"user","scp":"${grant.scp}","tid":"${this.tenant}","ver":"1.0",`,
        ),
        id: segment(
          `{"aud":"${this.clientId}","iss":"${this.authority}/${this.tenant}/v2.0","tid":"${this.tenant}","ver":"2.0",`,
        ),
      };
      this.grants.set(grant, s);
    }
    return s;
  }
}
