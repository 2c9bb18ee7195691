import { Agent, type Dispatcher, request } from 'undici';

/** A small client for the simulated tenant's admin API (`/_sim/`). */
export class SimAdmin {
  private readonly dispatcher: Dispatcher | undefined;

  constructor(
    private readonly url: string,
    private readonly token: string,
    ca?: string,
  ) {
    this.dispatcher = ca ? new Agent({ connect: { ca } }) : undefined;
  }

  async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const res = await request(new URL(path, this.url), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { raw: text.slice(0, 200) };
    }
    return { status: res.statusCode, json };
  }
}
