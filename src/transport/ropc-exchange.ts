/**
 * ROPC sign-ins over undici's handler-level dispatch, for the load generator's hot path: no promise, no body
 * stream and no header object per reply, and the handler objects themselves are reused.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { Classified } from '../outcome.js';
import { AGENT_HEADER } from '../protocol/token.js';
import { classify, type ReplyHeaders } from './classify.js';
import { classifyError } from './classify-error.js';
import { dispatcherLanes, type RequestLanes } from './connection-set.js';
import { oversizedReply, REPLY_BODY_LIMIT, replyTimeout, tokenReplyBytes } from './reply-body.js';
import type { RopcRequest } from './ropc-request.js';

const JSON_BYTES = Buffer.from('json');
const NAMES = {
  contentType: Buffer.from('content-type'),
  retryAfter: Buffer.from('retry-after'),
  requestId: Buffer.from('x-ms-request-id'),
  agent: Buffer.from(AGENT_HEADER),
};

/**
 * One sign-in in flight, and afterwards its result. The caller fills the first four fields before `send`;
 * they come back untouched in `onReply`, which must read what it needs before it returns (the object is
 * then reused for another sign-in).
 */
export class SignInExchange {
  intendedMs = 0;
  sequence = 0;
  user = 0;
  wrong = false;
  /** Keep the reply's `x-ms-request-id` even for a success (errors always keep it). */
  keepIds = false;
  /** HTTP status, 0 when no reply arrived. */
  status = 0;
  /** The agent the simulator says served the sign-in; real tenants never say. */
  agent: string | undefined = undefined;
  /** Entra's id of the request (`x-ms-request-id`), when kept. */
  requestId: string | undefined = undefined;
  classified: Classified = classify(200, undefined);
  /** performance.now() when a connection took the request (after any wait in the client's queue); 0 before. */
  dispatchedAt = 0;
  private abort: ((err?: Error) => void) | undefined = undefined;
  private contentType: string | undefined = undefined;
  private retryAfter: string | undefined = undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private oversized = false;
  /** Sweeps of the reply deadline this exchange has been in flight for (see RopcExchanges). */
  sweeps = 0;
  /** @internal the connection carrying it (see RequestLanes). */
  lane: unknown = undefined;
  /** @internal ended by undici's onError rather than its onComplete. */
  failed = false;

  constructor(private readonly owner: RopcExchanges) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    this.dispatchedAt = performance.now();
  }

  onHeaders(statusCode: number, raw: (Buffer | string)[] | null, _resume: () => void): boolean {
    this.status = statusCode;
    const keep = statusCode !== 200 || this.keepIds;
    if (raw === null) return true;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      const value = raw[i + 1]!;
      if (typeof name === 'string') {
        this.headerText(name.toLowerCase(), value.toString(), keep);
        continue;
      }
      const value_ = value as Buffer;
      if (nameIs(name, NAMES.agent)) this.agent = this.owner.agentName(value_);
      else if (keep && nameIs(name, NAMES.requestId)) this.requestId = value_.toString('latin1');
      else if (nameIs(name, NAMES.contentType)) {
        // The common case (a JSON reply) is checked without making a string.
        if (statusCode !== 200 || value_.indexOf(JSON_BYTES) < 0)
          this.contentType = value_.toString('latin1');
      } else if (statusCode === 429 && nameIs(name, NAMES.retryAfter))
        this.retryAfter = value_.toString('latin1');
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.oversized) return true;
    // Every body is kept (a success must show its token), but never past the cap: beyond it no token
    // endpoint is talking, and the rest is not read at all (the abort drops the connection).
    if (this.size + chunk.length > REPLY_BODY_LIMIT) {
      this.chunks.push(chunk.subarray(0, REPLY_BODY_LIMIT - this.size));
      this.size = REPLY_BODY_LIMIT;
      this.oversized = true;
      this.abort?.(new Error(`reply body over ${REPLY_BODY_LIMIT} bytes`));
      return true;
    }
    this.size += chunk.length;
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const body = this.body();
    if (this.status === 200 && this.contentType === undefined && tokenReplyBytes(body)) {
      // The common case, judged on the bytes without making a string.
      this.classified = classify(200, undefined);
    } else {
      this.classified = classify(this.status, body.toString(), this.headers());
    }
    this.end();
  }

  onError(err: Error): void {
    this.failed = true;
    this.classified = this.oversized
      ? oversizedReply(this.status, this.body().toString(), this.headers())
      : classifyError(err);
    this.end();
  }

  /** @internal the reply deadline passed: end the exchange as a client timeout. */
  expire(timeoutMs: number): void {
    this.abort?.(replyTimeout(timeoutMs));
  }

  /** @internal in flight on a connection (queued ones are not timed, as undici's own timers). */
  get onWire(): boolean {
    return this.abort !== undefined;
  }

  private body(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }

  /** Back to a blank exchange (the pool calls this before reuse). */
  reset(): void {
    this.dispatchedAt = 0;
    this.keepIds = false;
    this.status = 0;
    this.agent = undefined;
    this.requestId = undefined;
    this.abort = undefined;
    this.contentType = undefined;
    this.retryAfter = undefined;
    this.chunks = [];
    this.size = 0;
    this.ended = false;
    this.oversized = false;
    this.failed = false;
    this.sweeps = 0;
  }

  private headerText(name: string, value: string, keep: boolean): void {
    if (name === AGENT_HEADER) this.agent = value;
    else if (keep && name === 'x-ms-request-id') this.requestId = value;
    else if (name === 'content-type' && (this.status !== 200 || !value.includes('json')))
      this.contentType = value;
    else if (name === 'retry-after') this.retryAfter = value;
  }

  private headers(): ReplyHeaders {
    const h: Record<string, string> = {};
    if (this.contentType !== undefined) h['content-type'] = this.contentType;
    if (this.retryAfter !== undefined) h['retry-after'] = this.retryAfter;
    return h;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.owner.finished(this);
  }
}

/**
 * Sends sign-ins on one dispatcher and hands each result to `onReply` exactly once, never throwing. The
 * dispatcher's timers bound the wait for headers and each gap between body chunks; a deadline over the
 * whole reply is kept here without reading a clock per sign-in: one sweep every quarter of the timeout
 * counts how many each exchange has lived through and ends those past it (so within timeout + a quarter),
 * since a server dripping a byte a second would otherwise hold a sign-in, and the run's end, for ever.
 */
export class RopcExchanges {
  private readonly free: SignInExchange[] = [];
  private readonly agents: { readonly bytes: Buffer; readonly name: string }[] = [];
  private readonly origin: string;
  private readonly path: string;
  private readonly inFlight = new Set<SignInExchange>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly sweepsToExpire = 4;
  private readonly lanes: RequestLanes;

  constructor(
    dispatcher: Dispatcher | RequestLanes,
    request: RopcRequest,
    private readonly onReply: (x: SignInExchange) => void,
    private readonly timeoutMs: number,
  ) {
    this.lanes = 'release' in dispatcher ? dispatcher : dispatcherLanes(dispatcher);
    this.origin = request.origin;
    this.path = request.path;
  }

  /** A blank exchange to fill and send. */
  acquire(): SignInExchange {
    return this.free.pop() ?? new SignInExchange(this);
  }

  /** POSTs `body` with `client-request-id: correlationId`; the result arrives in `onReply`. */
  send(x: SignInExchange, body: Buffer, correlationId: string): void {
    this.inFlight.add(x);
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(10, this.timeoutMs / this.sweepsToExpire));
    this.sweeper.unref();
    this.lanes.dispatch(
      {
        origin: this.origin,
        path: this.path,
        method: 'POST',
        // A fresh list each time: a request that waits for a connection is built from it later.
        headers: [
          'content-type',
          'application/x-www-form-urlencoded',
          'accept',
          'application/json',
          'client-request-id',
          correlationId,
          'return-client-request-id',
          'true',
        ],
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      },
      x,
    );
  }

  /** @internal the exchange is done: report it, then keep it for reuse. */
  finished(x: SignInExchange): void {
    this.inFlight.delete(x);
    if (this.inFlight.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
    // Its connection takes the next waiting sign-in first: queued on a connection still reading its reply,
    // it goes out right after without the idle-connection check a freed connection waits a turn for.
    this.lanes.release(x, !x.failed);
    try {
      this.onReply(x);
    } finally {
      x.reset();
      this.free.push(x);
    }
  }

  private sweep(): void {
    for (const x of this.inFlight) {
      if (!x.onWire) continue;
      if (++x.sweeps > this.sweepsToExpire) x.expire(this.timeoutMs);
    }
  }

  /** @internal the agent name in a header, as one string per agent rather than one per reply. */
  agentName(bytes: Buffer): string {
    for (const a of this.agents) if (a.bytes.equals(bytes)) return a.name;
    const name = bytes.toString('latin1');
    if (this.agents.length < 256) this.agents.push({ bytes: Buffer.from(bytes), name });
    return name;
  }
}

/** Case-insensitive comparison of a header name with a lower-case ASCII name (letters, digits and '-'). */
function nameIs(name: Buffer, lower: Buffer): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((name[i]! | 0x20) !== lower[i]) return false;
  return true;
}
