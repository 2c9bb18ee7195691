/** Reading a reply body as a hostile server may send it: never more than a cap, never past a deadline. */
import type { Readable } from 'node:stream';
import type { Classified } from '../outcome.js';
import { classify, type ReplyHeaders } from './classify.js';

/**
 * Token replies are a few KB and Entra's error replies about one; a body past this is not the token
 * endpoint talking (a proxy's page, a misrouted download, a hostile server). What is over is not read:
 * the connection is dropped instead, so memory stays bounded whatever a server sends.
 */
export const REPLY_BODY_LIMIT = 64 * 1024;

export interface BodyText {
  /** The body, or its first `limit` bytes when `truncated`. */
  readonly text: string;
  readonly truncated: boolean;
}

/**
 * The body as text, up to `limit` bytes; a longer one resolves with its start and `truncated`, and the
 * stream is destroyed (undici then closes the connection). Rejects with the stream's error, for example
 * the one a deadline destroys it with.
 */
export function readBodyText(body: Readable, limit = REPLY_BODY_LIMIT): Promise<BodyText> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: BodyText | undefined, err?: unknown) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      // An error after we are done (the destroy below, a late reset) must not go unhandled.
      body.on('error', () => undefined);
      if (result) resolve(result);
      else reject(err);
    };
    const onData = (chunk: Buffer) => {
      const room = limit - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size = limit;
        done({ text: Buffer.concat(chunks, size).toString('utf8'), truncated: true });
        body.destroy();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => done({ text: Buffer.concat(chunks, size).toString('utf8'), truncated: false });
    const onError = (err: unknown) => done(undefined, err);
    // Closed without 'end' or 'error' (destroyed quietly): the reply is cut off, not complete.
    const onClose = () => done(undefined, new Error('reply body ended early'));
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

/** The error a reply deadline ends a reply with; classified as `client_timeout`. */
export function replyTimeout(timeoutMs: number): Error {
  const err = new Error(`the whole reply did not arrive within ${timeoutMs} ms (load.timeout)`);
  err.name = 'TimeoutError';
  return err;
}

/**
 * One deadline over the whole reply, headers to last byte. undici's own timers bound the wait for the
 * headers and each gap between body chunks, not the total, so a server dripping a byte a second would
 * hold a sign-in (and the run's end) for ever. One timer per request, all of the same duration, which
 * Node keeps in one list: cheap to arm and clear.
 */
export class ReplyDeadline {
  private body: Readable | undefined;
  private expired = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly timeoutMs: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.body?.destroy(replyTimeout(this.timeoutMs));
    }, timeoutMs);
  }

  /** The body the deadline now covers; destroyed at once if the deadline passed while headers came. */
  watch(body: Readable): void {
    this.body = body;
    if (this.expired) body.destroy(replyTimeout(this.timeoutMs));
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

const ACCESS_TOKEN = Buffer.from('"access_token"');
const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * The token check of a 200 on its bytes (as `carriesAccessToken` in classify on text): a JSON object with
 * a non-empty `access_token` string. For the hot path, which sees a success per sign-in.
 */
export function tokenReplyBytes(body: Buffer): boolean {
  let start = 0;
  let end = body.length - 1;
  while (isSpace(body[start])) start++;
  while (end > start && isSpace(body[end])) end--;
  if (body[start] !== 0x7b || body[end] !== 0x7d) return false;
  const at = body.indexOf(ACCESS_TOKEN, start);
  if (at < 0) return false;
  let i = at + ACCESS_TOKEN.length;
  while (isSpace(body[i])) i++;
  if (body[i++] !== 0x3a) return false;
  while (isSpace(body[i])) i++;
  if (body[i++] !== 0x22) return false;
  const first = body[i];
  return first !== undefined && first !== 0x22 && !isSpace(first);
}

/**
 * A reply past the cap. No token reply is that big, so a 200 is not a success; an error reply keeps the
 * class its start gives (an AADSTS code comes first in Entra's bodies), else `other` saying why.
 */
export function oversizedReply(status: number, start: string, headers: ReplyHeaders): Classified {
  const detail = `HTTP ${status} with a body over ${REPLY_BODY_LIMIT / 1024} KiB, not read further (connection dropped): ${start.slice(0, 120).replace(/\s+/g, ' ')}`;
  if (status === 200) return { outcome: 'other', detail };
  const classified = classify(status, start, headers);
  return classified.outcome === 'other' ? { ...classified, detail } : classified;
}
