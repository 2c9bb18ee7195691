import {
  createServer as createHttp,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ReplyServer {
  /** `http(s)://127.0.0.1:port` */
  readonly origin: string;
  readonly seen: SeenRequest[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1:0 that records each request and lets the test answer it. */
export async function startReplyServer(
  reply: (req: SeenRequest, res: ServerResponse) => void,
  tls?: { readonly key: string; readonly cert: string },
): Promise<ReplyServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const handler = (req: import('node:http').IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(r);
      reply(r, res);
    });
  };
  const server: Server = tls ? createHttps({ key: tls.key, cert: tls.cert }, handler) : createHttp(handler);
  const track = (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on(tls ? 'secureConnection' : 'connection', track);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON reply the way Entra does. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An Entra-shaped error reply body for one AADSTS code. */
export function entraError(code: number, error: string, message: string): Record<string, unknown> {
  return {
    error,
    error_description: `AADSTS${code}: ${message}\r\nTrace ID: 0b6f2d1e-0000-4000-8000-000000000001\r\nCorrelation ID: 5c1a9e0e-0000-4000-8000-000000000002\r\nTimestamp: 2025-01-01 00:00:00Z`,
    error_codes: [code],
    timestamp: '2025-01-01 00:00:00Z',
    trace_id: '0b6f2d1e-0000-4000-8000-000000000001',
    correlation_id: '5c1a9e0e-0000-4000-8000-000000000002',
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

export const TOKEN_REPLY = {
  token_type: 'Bearer',
  scope: 'openid profile',
  expires_in: 3599,
  ext_expires_in: 3599,
  access_token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.',
};
