import { randomBytes } from 'node:crypto';
import type { ScopeGrant } from './scope.js';
import { type DirectoryUser, objectId } from './user-directory.js';

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/**
 * Issues token replies that look like Entra's (JWT-shaped access and id tokens, an opaque refresh
 * token) but cost microseconds: header and signature are made once, only the claims are encoded per
 * sign-in. The signature is random bytes, not a signature: nothing should trust these tokens.
 */
export class TokenMinter {
  private readonly header = b64url('{"typ":"JWT","alg":"RS256","kid":"ptaload-sim"}');
  private readonly signature = randomBytes(256).toString('base64url');
  private readonly refreshPrefix = `0.A${randomBytes(48).toString('base64url')}`;
  private readonly utiPrefix = randomBytes(9).toString('base64url');
  private serial = 0;

  constructor(
    private readonly tenant: string,
    private readonly clientId: string,
    /** Base URL of the sim (issuer of id tokens). */
    private readonly authority: string,
  ) {}

  /** The whole 200 body for a successful sign-in. */
  reply(user: DirectoryUser, grant: ScopeGrant, nowMs: number, lifetimeS: number): string {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + lifetimeS;
    const upn = JSON.stringify(user.username);
    const oid = objectId(user);
    const uti = this.utiPrefix + (this.serial++).toString(36);
    const access =
      `{"aud":"${grant.audience}","iss":"https://sts.windows.net/${this.tenant}/","iat":${iat},"nbf":${iat},` +
      `"exp":${exp},"amr":["pwd"],"appid":"${this.clientId}","idtyp":"user","oid":"${oid}",` +
      `"scp":"${grant.scp}","sub":"${oid}","tid":"${this.tenant}","unique_name":${upn},"upn":${upn},` +
      `"uti":"${uti}","ver":"1.0"}`;
    let body =
      `{"token_type":"Bearer","scope":"${grant.scope}","expires_in":${lifetimeS},"ext_expires_in":${lifetimeS},` +
      `"access_token":"${this.jwt(access)}"`;
    if (grant.refreshToken) body += `,"refresh_token":"${this.refreshPrefix}${uti}"`;
    if (grant.idToken) {
      const id =
        `{"aud":"${this.clientId}","iss":"${this.authority}/${this.tenant}/v2.0","iat":${iat},"nbf":${iat},` +
        `"exp":${exp},"oid":"${oid}","preferred_username":${upn},"sub":"${oid}","tid":"${this.tenant}",` +
        `"uti":"${uti}","ver":"2.0"}`;
      body += `,"id_token":"${this.jwt(id)}"`;
    }
    return `${body}}`;
  }

  private jwt(claims: string): string {
    return `${this.header}.${b64url(claims)}.${this.signature}`;
  }
}
