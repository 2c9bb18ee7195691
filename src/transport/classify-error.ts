import type { Classified } from '../outcome.js';

/** undici's own timeouts; the caller's timeout reaches us as an AbortError or TimeoutError. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Certificate checks that fail because the server's CA is not trusted here (the usual corporate-proxy case). */
const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

interface ErrorLike {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

function describe(code: string | undefined, e: ErrorLike | undefined, hint = ''): string {
  const message = typeof e?.message === 'string' ? e.message : String(e);
  return `${code ?? (typeof e?.name === 'string' ? e.name : 'Error')}: ${message}${hint}`.slice(0, 400);
}

/**
 * The outcome of a sign-in that got no complete reply: `client_timeout` when a time limit ended it
 * (undici's connect/headers/body timeouts, an aborted or timed-out signal), `network_error` for
 * everything else (refused, reset, DNS, TLS, a proxy that would not tunnel). Never throws.
 */
export function classifyError(err: unknown): Classified {
  const e = typeof err === 'object' && err !== null ? (err as ErrorLike) : undefined;
  let code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === undefined && typeof e?.cause === 'object' && e.cause !== null) {
    const causeCode = (e.cause as ErrorLike).code;
    if (typeof causeCode === 'string') code = causeCode;
  }
  const name = typeof e?.name === 'string' ? e.name : undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || name === 'TimeoutError') {
    return { outcome: 'client_timeout', detail: describe(code, e) };
  }
  if (name === 'AbortError') {
    // undici reports a proxy that refused to tunnel as an abort too; that one is a network failure.
    if (message.startsWith('Proxy response')) {
      return { outcome: 'network_error', detail: describe(code, e, ' (the proxy would not open a tunnel)') };
    }
    return { outcome: 'client_timeout', detail: describe(code, e) };
  }
  if (code !== undefined && (UNTRUSTED_CERT_CODES.has(code) || code.startsWith('ERR_TLS_CERT'))) {
    const hint = UNTRUSTED_CERT_CODES.has(code)
      ? ' (the server certificate is not trusted: give its CA with --ca / target.ca or NODE_EXTRA_CA_CERTS)'
      : '';
    return { outcome: 'network_error', detail: describe(code, e, hint) };
  }
  return { outcome: 'network_error', detail: describe(code, e) };
}
