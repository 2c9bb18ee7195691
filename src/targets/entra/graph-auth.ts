/** App-only access to Microsoft Graph: a token given in the environment, or client credentials (a secret or a certificate). */
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Dispatcher, request } from 'undici';
import { TargetError, UsageError } from '../../errors.js';
import { GRAPH_DEFAULT_SCOPE } from '../../protocol/graph-signin.js';

export type GraphCredential =
  | { readonly kind: 'token'; readonly token: string; readonly env: string }
  | { readonly kind: 'secret'; readonly clientId: string; readonly secret: string; readonly env: string }
  | {
      readonly kind: 'certificate';
      readonly clientId: string;
      readonly keyPem: string;
      readonly certPem: string;
    };

export interface GraphAuthFlags {
  /** Environment variable holding a ready token (e.g. from `az account get-access-token --resource-type ms-graph`). */
  readonly tokenEnv?: string;
  /** The app registration that reads the logs (often not the one that signs in). */
  readonly clientId?: string;
  readonly secretEnv?: string;
  /** A PEM file with the app's certificate and its private key. */
  readonly certificate?: string;
}

const DEFAULT_TOKEN_ENV = 'PTALOAD_GRAPH_TOKEN';
const DEFAULT_SECRET_ENV = 'PTALOAD_GRAPH_CLIENT_SECRET';

/** Which credential the flags and environment give; the secret's and token's values stay in memory only. */
export async function graphCredential(
  flags: GraphAuthFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<GraphCredential> {
  if (flags.certificate !== undefined) {
    if (!flags.clientId)
      throw new UsageError(
        '--graph-certificate needs --graph-client-id (the app the certificate belongs to).',
      );
    let pem: string;
    try {
      pem = await readFile(flags.certificate, 'utf8');
    } catch (err) {
      throw new UsageError(
        `--graph-certificate ${flags.certificate}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
    const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0];
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    if (!key || !cert) {
      throw new UsageError(
        `--graph-certificate ${flags.certificate}: expected a PEM file with both the certificate and its private key.`,
      );
    }
    if (createPrivateKey(key).asymmetricKeyType !== 'rsa') {
      throw new UsageError(
        `--graph-certificate ${flags.certificate}: the key is not RSA; Entra signs client assertions with RSA (RS256): upload an RSA certificate to the app.`,
      );
    }
    return { kind: 'certificate', clientId: flags.clientId, keyPem: key, certPem: cert };
  }
  const secretEnv = flags.secretEnv ?? DEFAULT_SECRET_ENV;
  if (flags.clientId !== undefined) {
    const secret = env[secretEnv];
    if (!secret) {
      throw new UsageError(
        `--graph-client-id given, but the environment variable ${secretEnv} holding its client secret is not set (or give --graph-certificate).`,
      );
    }
    return { kind: 'secret', clientId: flags.clientId, secret, env: secretEnv };
  }
  const tokenEnv = flags.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const token = env[tokenEnv];
  if (token) return { kind: 'token', token: token.trim(), env: tokenEnv };
  throw new UsageError(
    `no way to read the sign-in logs: set ${tokenEnv} to a Graph token (az account get-access-token --resource-type ms-graph --query accessToken -o tsv), or give --graph-client-id with a secret in ${secretEnv} or --graph-certificate.`,
  );
}

/** Fetches (and re-fetches when it is about to expire) the bearer token for Graph. */
export class GraphTokens {
  private current: { token: string; expiresAtMs: number } | undefined;

  constructor(
    private readonly cred: GraphCredential,
    private readonly tokenUrl: URL,
    private readonly dispatcher: Dispatcher,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Whether a 401 can be mended by asking again (a given token cannot). */
  get renewable(): boolean {
    return this.cred.kind !== 'token';
  }

  describe(): string {
    switch (this.cred.kind) {
      case 'token':
        return `a token from $${this.cred.env}`;
      case 'secret':
        return `app ${this.cred.clientId} (client secret from $${this.cred.env})`;
      case 'certificate':
        return `app ${this.cred.clientId} (certificate)`;
    }
  }

  async token(forceNew = false): Promise<string> {
    if (this.cred.kind === 'token') return this.cred.token;
    if (!forceNew && this.current && this.current.expiresAtMs - 60_000 > this.nowMs())
      return this.current.token;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.cred.clientId,
      scope: GRAPH_DEFAULT_SCOPE,
    });
    if (this.cred.kind === 'secret') form.set('client_secret', this.cred.secret);
    else {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', clientAssertion(this.cred, this.tokenUrl.href, this.nowMs()));
    }
    const res = await request(this.tokenUrl, {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const text = await res.body.text();
    let body: { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    try {
      body = JSON.parse(text);
    } catch {
      body = {};
    }
    if (res.statusCode !== 200 || typeof body.access_token !== 'string') {
      const why = (body.error_description ?? body.error ?? `HTTP ${res.statusCode}`).split('\r\n')[0];
      throw new TargetError(
        'TARGET_REFUSED',
        `getting a Graph token for ${this.describe()} at ${this.tokenUrl.origin} failed: ${why}. Check the app id, its secret or certificate, and that it has the application permission AuditLog.Read.All with admin consent.`,
      );
    }
    this.current = { token: body.access_token, expiresAtMs: this.nowMs() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }
}

/** A signed client assertion (RFC 7523): RS256 with the certificate's SHA-1 thumbprint as `x5t`, as Entra expects. */
function clientAssertion(
  cred: Extract<GraphCredential, { kind: 'certificate' }>,
  audience: string,
  nowMs: number,
): string {
  const der = new X509Certificate(cred.certPem).raw;
  const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const header = { alg: 'RS256', typ: 'JWT', x5t: b64(createHash('sha1').update(der).digest()) };
  const now = Math.floor(nowMs / 1000);
  const claims = {
    aud: audience,
    iss: cred.clientId,
    sub: cred.clientId,
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + 600,
  };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  const signature = sign('RSA-SHA256', Buffer.from(input), createPrivateKey(cred.keyPem));
  return `${input}.${b64(signature)}`;
}
