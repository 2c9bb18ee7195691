import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { TargetError } from '../errors.js';

/**
 * Which CAs a connection trusts. Without an extra CA, Node's default store is used as is, and that store
 * already holds NODE_EXTRA_CA_CERTS (Node reads it once at start-up). An explicit `ca` would *replace*
 * that store in Node, so it is added to the public roots and NODE_EXTRA_CA_CERTS instead: an extra CA
 * extends trust, it never narrows it. The context is built once; building one per connection costs ms.
 */
export function trustContext(
  ca: string | Buffer | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecureContext | undefined {
  if (ca === undefined) return undefined;
  const pem = ca.toString();
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      'the extra CA (--ca / target.ca) holds no PEM certificate: give the file with the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)',
    );
  }
  const cas = new Set(rootCertificates.map(normalise));
  const extraFile = env.NODE_EXTRA_CA_CERTS;
  if (extraFile) {
    try {
      // Often the system bundle, largely the same roots again: parsing each once keeps this fast.
      for (const cert of pemBlocks(readFileSync(extraFile, 'utf8'))) cas.add(cert);
    } catch {
      // Node has already warned about this file at start-up; its default store does without it too.
    }
  }
  for (const cert of pemBlocks(pem)) cas.add(cert);
  try {
    return createSecureContext({ ca: [...cas] });
  } catch (err) {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `the extra CA (--ca / target.ca) could not be loaded (${(err as Error).message}): give a PEM file with the CA certificate`,
    );
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function normalise(cert: string): string {
  return cert
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');
}

function pemBlocks(text: string): string[] {
  return (text.match(PEM_BLOCK) ?? []).map(normalise);
}
