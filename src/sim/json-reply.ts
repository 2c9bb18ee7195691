import type { ServerResponse } from 'node:http';

/** Writes a JSON reply (or an empty one when there is no payload), as Entra does: utf-8, with a length. */
export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  if (payload === undefined) {
    res.writeHead(status).end();
    return;
  }
  const body = JSON.stringify(payload);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    })
    .end(body);
}
