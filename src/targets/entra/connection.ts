import { readFile } from 'node:fs/promises';
import { TargetError } from '../../errors.js';
import type { EntraTarget } from '../../profile/schema.js';
import { type ProxySetting, redactProxyUri } from '../../transport/proxy-env.js';
import { trustContext } from '../../transport/tls-trust.js';
import { type Authority, tokenEndpoint } from './authority.js';
import type { FirstHop } from './first-hop.js';

type Env = Readonly<Record<string, string | undefined>>;

/** How to reach a real tenant: the same for a run's workers and for preflight. */
export interface EntraConnection {
  readonly authority: Authority;
  readonly tokenUrl: URL;
  /** Only in memory: never logged, written or put in a message. */
  readonly clientSecret?: string;
  /** PEM of the extra CA (target.ca / --ca). */
  readonly ca?: string;
  readonly proxy?: ProxySetting;
  /** The environment variable the secret came from, for hooks to withhold. */
  readonly secretEnv?: string;
}

/**
 * The first hop as the interlocks judged it (so requests go exactly where they were allowed to), client secret (from the environment variable the profile names, never from the profile),
 * extra CA and proxy. Reads no network: safe to call before the interlocks have said yes.
 */
export async function resolveConnection(
  t: EntraTarget,
  hop: FirstHop,
  env: Env,
  log: (line: string) => void,
): Promise<EntraConnection> {
  const { authority, proxy } = hop;
  let clientSecret: string | undefined;
  if (t.clientSecretEnv !== undefined) {
    clientSecret = env[t.clientSecretEnv];
    if (!clientSecret) {
      throw new TargetError(
        'TARGET_MISCONFIGURED',
        `target.clientSecretEnv names the environment variable ${t.clientSecretEnv}, but it is not set or empty: set it to the app registration's client secret (its value, from Certificates & secrets), or remove clientSecretEnv to sign in as a public client.`,
      );
    }
  }
  let ca: string | undefined;
  if (t.ca !== undefined) {
    try {
      ca = await readFile(t.ca, 'utf8');
    } catch (err) {
      throw new TargetError(
        'TARGET_MISCONFIGURED',
        `cannot read the CA file ${t.ca} (target.ca / --ca): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Give a PEM file with the CA that signs the authority's (or your TLS-inspecting proxy's) certificate.`,
      );
    }
    trustContext(ca, env);
  }
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    log(
      'note: NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored: certificates are always verified. Give the CA with --ca (or NODE_EXTRA_CA_CERTS) instead.',
    );
  }
  log(
    `entra target: tenant ${t.tenant} at ${authority.url}, client ${t.clientId} as a ${clientSecret ? `confidential client (secret from $${t.clientSecretEnv})` : 'public client'}${proxy ? `, through proxy ${redactProxyUri(proxy.uri)}` : ''}${ca ? `, trusting the extra CA ${t.ca}` : ''}`,
  );
  return {
    authority,
    tokenUrl: tokenEndpoint(authority, t.tenant),
    ...(clientSecret ? { clientSecret, secretEnv: t.clientSecretEnv } : {}),
    ...(ca ? { ca } : {}),
    ...(proxy ? { proxy } : {}),
  };
}
