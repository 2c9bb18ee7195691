/** The app registration's client authentication: public clients send no secret, confidential ones the right one. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AADSTS, type AadstsCode } from '../protocol/aadsts.js';
import type { AppRegistration } from './options.js';

/**
 * Checks `client_secret` the way Entra does for the password grant: a public client (public client
 * flows allowed) must not send one (700025); a confidential client must (7000218), and it must be the
 * current secret's value (7000215), not an expired one (7000222). Secrets are compared as digests in
 * constant time and never kept as text beyond the digest.
 */
export class ClientAuth {
  private readonly digest: Buffer | undefined;

  constructor(private readonly app: AppRegistration) {
    if (app.type === 'confidential' && !app.secret) {
      throw new TypeError('a confidential app registration needs a client secret');
    }
    this.digest = app.secret ? sha256(app.secret) : undefined;
  }

  get type(): AppRegistration['type'] {
    return this.app.type;
  }

  /** The code to refuse with, or undefined when the client authenticated as its registration requires. */
  check(secret: string | undefined): AadstsCode | undefined {
    if (this.app.type === 'public') return secret === undefined ? undefined : AADSTS.publicClientWithSecret;
    if (secret === undefined) return AADSTS.publicClientNotAllowed;
    if (!timingSafeEqual(sha256(secret), this.digest!)) return AADSTS.wrongSecret;
    if (this.app.secretExpired) return AADSTS.expiredSecret;
    return undefined;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
