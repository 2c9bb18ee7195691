import autocannon from 'autocannon';
import { RopcRequest } from '../../src/transport/ropc-request.js';

export const BENCH_TOKEN_PATH = '/contoso.test/oauth2/v2.0/token';

/** The ROPC request every generator benchmark sends, so autocannon and ptaload post the same bytes. */
export function benchRequest(origin: string): RopcRequest {
  return new RopcRequest({ tokenUrl: origin + BENCH_TOKEN_PATH, clientId: 'bench', scope: 'openid profile' });
}

/** autocannon's mean requests/s posting that request to `origin` on `connections` keep-alive connections. */
export async function autocannonRate(
  origin: string,
  connections: number,
  durationS: number,
): Promise<number> {
  const ropc = benchRequest(origin);
  const flat = ropc.headers();
  const headers: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) headers[flat[i]!] = flat[i + 1]!;
  const result = await autocannon({
    url: ropc.url,
    method: 'POST',
    connections,
    duration: durationS,
    headers,
    body: ropc.body('bench00001@contoso.test', 'Pa55word-bench!'),
  });
  return result.requests.average;
}
