import type { Classified, Outcome } from '../outcome.js';
import { CONFIG_OAUTH_ERRORS, outcomeOfCode } from './aadsts-outcomes.js';

/** Response headers as undici and node:http give them (lower-case names). */
export type ReplyHeaders = Readonly<Record<string, string | string[] | undefined>>;

const SUCCESS: Classified = Object.freeze({ outcome: 'success' });
/** One frozen result per code seen, so the common replies allocate nothing. */
const byCode = new Map<number, Classified>();

function ofCode(outcome: Outcome, code: number): Classified {
  let hit = byCode.get(code);
  if (hit === undefined || hit.outcome !== outcome) {
    hit = Object.freeze({ outcome, code });
    if (byCode.size < 1024) byCode.set(code, hit);
  }
  return hit;
}

const DETAIL_MAX = 300;

/** The start of an odd body on one line, enough to recognise a proxy's error page. */
function snippet(status: number, body: string | undefined, what?: string): string {
  const head = `HTTP ${status}${what ? ` ${what}` : ''}`;
  if (!body) return `${head}, empty body`;
  const text = body
    .slice(0, DETAIL_MAX * 2)
    .replace(/\s+/g, ' ')
    .trim();
  return `${head}: ${text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX)}…` : text}`;
}

function header(headers: ReplyHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Seconds to wait from a `Retry-After` value: delta-seconds or an HTTP-date (relative to `nowMs`). */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** First number of `"error_codes": [n, …]` by scanning, without parsing the JSON. */
export function scanErrorCode(body: string): number | undefined {
  const key = body.indexOf('"error_codes"');
  if (key < 0) return undefined;
  let i = body.indexOf('[', key + 13);
  if (i < 0) return undefined;
  i++;
  while (
    i < body.length &&
    (body.charCodeAt(i) === 32 || body.charCodeAt(i) === 10 || body.charCodeAt(i) === 13)
  )
    i++;
  let code = 0;
  const start = i;
  for (let c = body.charCodeAt(i); c >= 48 && c <= 57 && i - start < 10; c = body.charCodeAt(++i)) {
    code = code * 10 + (c - 48);
  }
  return i > start ? code : undefined;
}

interface ErrorFields {
  code: number | undefined;
  error: string | undefined;
  description: string | undefined;
}

/** The slow path: a reply the scan could not read. Never throws. */
function parseErrorBody(body: string): ErrorFields {
  let error: string | undefined;
  let description: string | undefined;
  let code: number | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      if (Array.isArray(o.error_codes) && typeof o.error_codes[0] === 'number') code = o.error_codes[0];
      if (typeof o.error === 'string') error = o.error;
      if (typeof o.error_description === 'string') description = o.error_description;
    }
  } catch {
    // Not JSON (a proxy's page, a cut-off body): the AADSTS search below is all that is left.
  }
  if (code === undefined) {
    const m = /AADSTS(\d{1,9})/.exec(description ?? body);
    if (m) code = Number(m[1]);
  }
  return { code, error, description };
}

const ACCESS_TOKEN = /"access_token"\s*:\s*"[^"\s]/;

/**
 * Whether a 200's body is a JSON object with a non-empty `access_token` string: what makes a sign-in a
 * success. Checked by shape rather than parsed, since every success passes here.
 */
function carriesAccessToken(body: string): boolean {
  const text = body.trim();
  return text.startsWith('{') && text.endsWith('}') && ACCESS_TOKEN.test(text);
}

/**
 * The outcome class of one token-endpoint reply. `bodyText` left out of a 200 skips the token check
 * (callers that did not read the body); the transport always reads it. Never throws: odd replies become
 * `other` or `http_5xx` with `detail` saying what was odd.
 */
export function classify(
  status: number,
  bodyText: string | undefined,
  headers?: ReplyHeaders,
  nowMs?: number,
): Classified {
  if (status === 200) {
    const type = header(headers, 'content-type');
    if (type !== undefined && !type.includes('json')) {
      return {
        outcome: 'other',
        detail: snippet(status, bodyText, `with content-type ${type}, not a token reply`),
      };
    }
    if (bodyText !== undefined && !carriesAccessToken(bodyText)) {
      return { outcome: 'other', detail: snippet(status, bodyText, 'without an access_token') };
    }
    return SUCCESS;
  }
  const body = bodyText ?? '';
  let code = scanErrorCode(body);
  let fields: ErrorFields | undefined;
  if (code === undefined) {
    fields = parseErrorBody(body);
    code = fields.code;
  }
  if (status === 429) {
    const retryAfterS = parseRetryAfter(header(headers, 'retry-after'), nowMs);
    return {
      outcome: 'throttled',
      ...(code !== undefined ? { code } : {}),
      ...(retryAfterS !== undefined ? { retryAfterS } : {}),
    };
  }
  if (code !== undefined) {
    const outcome = outcomeOfCode(code);
    if (outcome !== undefined) return ofCode(outcome, code);
  }
  if (status >= 500) {
    return { outcome: 'http_5xx', ...(code !== undefined ? { code } : {}), detail: snippet(status, body) };
  }
  if (code !== undefined) {
    fields ??= parseErrorBody(body);
    const firstLine = fields.description?.split(/\r?\n/, 1)[0];
    return {
      outcome: 'other',
      code,
      detail: `HTTP ${status}: ${firstLine ?? `AADSTS${code}`}`.slice(0, DETAIL_MAX),
    };
  }
  if (fields?.error !== undefined && CONFIG_OAUTH_ERRORS.has(fields.error)) {
    return { outcome: 'config_error', detail: fields.error };
  }
  return { outcome: 'other', detail: snippet(status, body) };
}
