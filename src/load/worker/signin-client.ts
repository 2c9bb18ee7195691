/** The worker's view of the transport: a user index in, a classified reply out (a callback), never a throw. */
import { createRequestLanes } from '../../transport/connection-set.js';
import { formEncode } from '../../transport/form-encoding.js';
import type { RequestSpec } from '../../transport/request-spec.js';
import { RopcExchanges, type SignInExchange } from '../../transport/ropc-exchange.js';
import { RopcRequest } from '../../transport/ropc-request.js';
import { CorrelationIds } from '../correlation-id.js';
import { WRONG_SUFFIX } from './credentials.js';
import type { UserTable } from './user-table.js';

export type { SignInExchange } from '../../transport/ropc-exchange.js';

export interface SignInClient {
  /**
   * Starts one sign-in of `user` (an index into the worker's users). Its exchange comes back once through
   * the `onReply` given at creation, carrying `intendedMs`, `sequence`, `user` and `wrong` as given here.
   */
  send(user: number, wrong: boolean, sequence: number, intendedMs: number, keepIds: boolean): void;
  /** The `client-request-id` that sign-in `sequence` carries. */
  correlationId(sequence: number): string;
  /** Waits for requests under way, then closes connections. */
  close(): Promise<void>;
  /** Drops every connection at once; requests under way end as errors. */
  destroy(): Promise<void>;
}

/**
 * Bytes are prepared once: the form up to `username=` once per run, each user's `username…&password…` once
 * per run in the shared user table; a sign-in copies the two (and the wrong-password suffix) into one buffer.
 */
export function createSignInClient(
  spec: RequestSpec,
  users: UserTable,
  runId: string,
  onReply: (x: SignInExchange) => void,
): SignInClient {
  const lanes = createRequestLanes({
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
  const prefix = request.prefixBytes();
  const wrongBytes = Buffer.from(formEncode(WRONG_SUFFIX), 'latin1');
  const ids = new CorrelationIds(runId);
  const exchanges = new RopcExchanges(lanes, request, onReply, spec.timeoutMs);
  return {
    send(user, wrong, sequence, intendedMs, keepIds) {
      const body = Buffer.allocUnsafe(
        prefix.length + users.tailLength(user) + (wrong ? wrongBytes.length : 0),
      );
      prefix.copy(body, 0);
      const at = users.copyTail(user, body, prefix.length);
      if (wrong) wrongBytes.copy(body, at);
      const x = exchanges.acquire();
      x.intendedMs = intendedMs;
      x.sequence = sequence;
      x.user = user;
      x.wrong = wrong;
      x.keepIds = keepIds;
      exchanges.send(x, body, ids.of(sequence));
    },
    correlationId: (sequence) => ids.of(sequence),
    close: () => lanes.close(),
    destroy: () => lanes.destroy(),
  };
}
