/**
 * ROPC sign-ins over undici's handler-level dispatch, for the load generator's hot path: no promise, no body
 * stream and no header object per reply, and the handler objects themselves are reused.
 */
import type { Dispatcher } from 'undici';
import type { Classified } from '../outcome.js';
import { AGENT_HEADER } from '../protocol/token.js';
import { classify, type ReplyHeaders } from './classify.js';
import { classifyError } from './classify-error.js';
import type { RopcRequest } from './ropc-request.js';

/** Token replies are a few KB; past this something else is answering, and the exchange is aborted. */
const BODY_LIMIT = 1 << 20;
/** An error body is kept up to this much: the code sits at its start. */
const ERROR_TEXT_LIMIT = 64 * 1024;
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
  private abort: ((err?: Error) => void) | undefined = undefined;
  private contentType: string | undefined = undefined;
  private retryAfter: string | undefined = undefined;
  private chunks: Buffer[] | undefined = undefined;
  private size = 0;
  private ended = false;

  constructor(private readonly owner: RopcExchanges) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, raw: (Buffer | string)[] | null, _resume: () => void): boolean {
    this.status = statusCode;
    const keep = statusCode !== 200 || this.keepIds;
    if (statusCode !== 200) this.chunks = [];
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
    this.size += chunk.length;
    if (this.chunks !== undefined) {
      if (this.size <= ERROR_TEXT_LIMIT) this.chunks.push(chunk);
    }
    if (this.size > BODY_LIMIT) this.abort?.(new Error(`reply body over ${BODY_LIMIT} bytes`));
    return true;
  }

  onComplete(): void {
    if (this.status === 200) {
      this.classified =
        this.contentType === undefined
          ? classify(200, undefined)
          : classify(200, undefined, { 'content-type': this.contentType });
    } else {
      const chunks = this.chunks ?? [];
      const text = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
      this.classified = classify(this.status, text, this.headers());
    }
    this.end();
  }

  onError(err: Error): void {
    this.classified = classifyError(err);
    this.end();
  }

  /** Back to a blank exchange (the pool calls this before reuse). */
  reset(): void {
    this.keepIds = false;
    this.status = 0;
    this.agent = undefined;
    this.requestId = undefined;
    this.abort = undefined;
    this.contentType = undefined;
    this.retryAfter = undefined;
    this.chunks = undefined;
    this.size = 0;
    this.ended = false;
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
 * Sends sign-ins on one dispatcher and hands each result to `onReply` exactly once, never throwing. Time
 * limits are the dispatcher's (headers and body timeouts); the caller timestamps the reply itself, so the
 * exchange reads no clock.
 */
export class RopcExchanges {
  private readonly free: SignInExchange[] = [];
  private readonly agents: { readonly bytes: Buffer; readonly name: string }[] = [];
  private readonly origin: string;
  private readonly path: string;

  constructor(
    private readonly dispatcher: Dispatcher,
    request: RopcRequest,
    private readonly onReply: (x: SignInExchange) => void,
    private readonly timeoutMs: number,
  ) {
    this.origin = request.origin;
    this.path = request.path;
  }

  /** A blank exchange to fill and send. */
  acquire(): SignInExchange {
    return this.free.pop() ?? new SignInExchange(this);
  }

  /** POSTs `body` with `client-request-id: correlationId`; the result arrives in `onReply`. */
  send(x: SignInExchange, body: Buffer, correlationId: string): void {
    this.dispatcher.dispatch(
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
      x as unknown as Dispatcher.DispatchHandler,
    );
  }

  /** @internal the exchange is done: report it, then keep it for reuse. */
  finished(x: SignInExchange): void {
    try {
      this.onReply(x);
    } finally {
      x.reset();
      this.free.push(x);
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
