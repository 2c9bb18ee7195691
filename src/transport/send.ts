import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { Classified } from '../outcome.js';
import { AGENT_HEADER } from '../protocol/token.js';
import { classify } from './classify.js';
import { classifyError } from './classify-error.js';
import { oversizedReply, ReplyDeadline, readBodyText } from './reply-body.js';
import type { RopcRequest } from './ropc-request.js';

export interface SendOptions {
  /**
   * Limit on the whole reply, from handing the request to the dispatcher to the last byte (see
   * ReplyDeadline); undici's timers also bound the wait for headers and each gap between body chunks.
   * undici's timers tick about every half second, so those fire up to ~0.5 s late.
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

/**
 * One ROPC sign-in: POST the form, read the reply to its last byte, classify it. Never throws.
 * Every body is read (a 200 is a success only if it carries an access token), up to REPLY_BODY_LIMIT
 * and within the deadline; past either the connection is dropped.
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
  const deadline = new ReplyDeadline(options.timeoutMs);
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
    deadline.watch(res.body);
    const reply = await readBodyText(res.body);
    const classified: Classified = reply.truncated
      ? oversizedReply(status, reply.text, res.headers)
      : classify(status, reply.text, res.headers);
    return { status, agent, classified, lastByteAt: clock() };
  } catch (err) {
    return { status, agent, classified: classifyError(err), lastByteAt: clock() };
  } finally {
    deadline.clear();
  }
}
