/** The headers Entra puts on every token-endpoint reply, success or error. */
import type { OutgoingHttpHeaders } from 'node:http';
import { AGENT_HEADER } from '../protocol/token.js';

/** Entra names its front-end build and slice; clients do not parse it. */
const ESTS_SERVER = '2.1.19547.5 - SIM ProdSlices';

/**
 * Entra's reply headers: no caching (`Cache-Control`, `Pragma`, `Expires: -1`), HSTS, `nosniff`, its
 * request id, `x-ms-ests-server`, and `x-ms-clitelem` (`1,<code>,0,,`; 0 for a success). The caller's
 * `client-request-id` is echoed only when it asked with `return-client-request-id: true`.
 */
export function replyHeaders(
  traceId: string,
  code: number,
  cri: string | undefined,
  echo: boolean,
  agent: string | undefined,
  body: string,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    expires: '-1',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-ms-request-id': traceId,
    'x-ms-ests-server': ESTS_SERVER,
    'x-ms-clitelem': `1,${code},0,,`,
  };
  if (echo && cri !== undefined) headers['client-request-id'] = cri;
  if (agent !== undefined) headers[AGENT_HEADER] = agent;
  return headers;
}
