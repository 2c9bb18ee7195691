import type { Dispatcher } from 'undici';
import type { Outcome } from '../../outcome.js';
import { createDispatcher } from '../../transport/dispatcher.js';
import type { RequestSpec } from '../../transport/request-spec.js';
import { RopcRequest } from '../../transport/ropc-request.js';
import { sendSignIn } from '../../transport/send.js';

interface SignInReply {
  readonly outcome: Outcome;
  readonly agent?: string;
  readonly code?: number;
  readonly retryAfterS?: number;
}

/** The worker's view of the transport: one sign-in in, one classified reply out, never a throw. */
export interface SignInClient {
  send(username: string, password: string): Promise<SignInReply>;
  /** Waits for requests under way, then closes connections. */
  close(): Promise<void>;
  /** Drops every connection at once; requests under way end as errors. */
  destroy(): Promise<void>;
}

export function createSignInClient(spec: RequestSpec): SignInClient {
  const dispatcher: Dispatcher = createDispatcher({
    origin: spec.origin,
    connections: spec.connections,
    connectTimeoutMs: Math.min(10_000, spec.timeoutMs),
    headersTimeoutMs: spec.timeoutMs,
    bodyTimeoutMs: spec.timeoutMs,
    ...(spec.ca ? { ca: spec.ca } : {}),
    ...(spec.proxy ? { proxy: spec.proxy } : {}),
  });
  const request = new RopcRequest({
    tokenUrl: new URL(spec.tokenPath, spec.origin),
    clientId: spec.clientId,
    scope: spec.scope,
    ...(spec.clientSecret ? { clientSecret: spec.clientSecret } : {}),
  });
  return {
    async send(username, password) {
      const reply = await sendSignIn(dispatcher, request, request.body(username, password), {
        timeoutMs: spec.timeoutMs,
      });
      return {
        outcome: reply.classified.outcome,
        ...(reply.agent ? { agent: reply.agent } : {}),
        ...(reply.classified.code !== undefined ? { code: reply.classified.code } : {}),
        ...(reply.classified.retryAfterS !== undefined ? { retryAfterS: reply.classified.retryAfterS } : {}),
      };
    },
    close: () => dispatcher.close(),
    destroy: () => dispatcher.destroy(),
  };
}
