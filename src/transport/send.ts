import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { Classified } from '../outcome.js';
import { AGENT_HEADER } from '../protocol/token.js';
import { classify } from './classify.js';
import { classifyError } from './classify-error.js';
import type { RopcRequest } from './ropc-request.js';

export interface SendOptions {
  /**
   * Limit on waiting for the reply's headers, and then between body chunks, once the request is on the
   * wire (undici's own timers, which cost nothing per request). Time queued for a free connection is not
   * part of it: latency is measured from the intended start anyway, and a queue is a sign of a capped pool.
   * undici's timers tick about every half second, so a timeout fires up to ~0.5 s late.
   */
  readonly timeoutMs: number;
  /**
   * Aborts the sign-in (reported as `client_timeout`). Not for stopping a run: undici adds a listener per
   * request, so one signal shared by thousands in flight costs O(n) per request and makes Node warn about
   * a listener leak. To stop everything, destroy the dispatcher; every sign-in in flight then resolves.
   */
  readonly signal?: AbortSignal;
  /** Timestamps the last byte; defaults to `performance.now()`. */
  readonly clock?: () => number;
}

export interface SignInReply {
  /** HTTP status, 0 when no reply arrived. */
  readonly status: number;
  /** The agent the simulator says served the sign-in; real tenants never say. */
  readonly agent: string | undefined;
  readonly classified: Classified;
  /** Clock reading when the last byte of the reply had arrived (or the failure was known). */
  readonly lastByteAt: number;
}

const now = (): number => performance.now();
/** Token replies are a few KB; past this something else is answering, and the connection is dropped. */
const DRAIN = { limit: 1 << 20 };

/**
 * One ROPC sign-in: POST the form, read the reply to its last byte, classify it. Never throws.
 * Success bodies are drained without decoding; only error bodies are read as text to find the code.
 */
export async function sendSignIn(
  dispatcher: Dispatcher,
  request: RopcRequest,
  body: string,
  options: SendOptions,
): Promise<SignInReply> {
  const clock = options.clock ?? now;
  let status = 0;
  let agent: string | undefined;
  try {
    const res = await dispatcher.request({
      origin: request.origin,
      path: request.path,
      method: 'POST',
      headers: request.headers(),
      body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal: options.signal,
    });
    status = res.statusCode;
    const named = res.headers[AGENT_HEADER];
    agent = typeof named === 'string' ? named : undefined;
    let classified: Classified;
    if (status === 200) {
      await res.body.dump(DRAIN);
      // dump() settles on close and swallows errors: a cut-off or timed-out body is not a success.
      if (!res.body.readableEnded) {
        classified = classifyError(res.body.errored ?? new Error('reply body ended early'));
      } else {
        classified = classify(200, undefined, res.headers);
      }
    } else {
      classified = classify(status, await res.body.text(), res.headers);
    }
    return { status, agent, classified, lastByteAt: clock() };
  } catch (err) {
    return { status, agent, classified: classifyError(err), lastByteAt: clock() };
  }
}
