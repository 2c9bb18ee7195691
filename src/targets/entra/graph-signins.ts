/** Reads Entra's sign-in logs through Microsoft Graph: the OData query, paging, the reporting API's rate limit, retries. */
import { type Dispatcher, request } from 'undici';
import { TargetError } from '../../errors.js';
import {
  type GraphSignIn,
  MAX_PAGE,
  SIGNIN_LOG_PERMISSION,
  signInPageSchema,
} from '../../protocol/graph-signin.js';
import type { GraphTokens } from './graph-auth.js';

/** The wall clock and waiting, injected so tests of throttling need not sleep for real. */
export interface GraphClock {
  nowMs(): number;
  wait(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The reporting API's published limit: about 5 requests per 10 s per app per tenant. */
export const REPORTING_LIMIT = { requests: 5, windowMs: 10_000 } as const;
const MAX_PAGE_BYTES = 64 * 1024 * 1024;
const MAX_RETRIES = 6;

export interface SignInQuery {
  readonly fromIso: string;
  readonly toIso: string;
  readonly appId: string;
}

/**
 * The OData filter for one run's sign-ins: its time window and app. ROPC sign-ins are logged as
 * non-interactive, which v1.0 leaves out, so the beta endpoint's `signInEventTypes` asks for both kinds.
 */
export function signInsUrl(base: string, q: SignInQuery): URL {
  const filter = [
    `createdDateTime ge ${q.fromIso}`,
    `createdDateTime le ${q.toIso}`,
    `appId eq '${q.appId}'`,
    `signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')`,
  ].join(' and ');
  const url = new URL('/beta/auditLogs/signIns', base);
  url.searchParams.set('$filter', filter);
  url.searchParams.set('$top', String(MAX_PAGE));
  return url;
}

/** Sliding-window limiter: never more than `requests` in any `windowMs`. */
export class RequestBudget {
  private readonly sent: number[] = [];
  constructor(
    private readonly clock: GraphClock,
    private readonly limit: { readonly requests: number; readonly windowMs: number } = REPORTING_LIMIT,
  ) {}

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.nowMs();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.limit.windowMs) this.sent.shift();
      if (this.sent.length < this.limit.requests) {
        this.sent.push(now);
        return;
      }
      await this.clock.wait(this.sent[0]! + this.limit.windowMs - now, signal);
    }
  }
}

export interface PageResult {
  readonly rows: GraphSignIn[];
  readonly nextLink?: string;
  /** Times the service said to slow down (429) before this page came. */
  readonly throttled: number;
}

export class SignInLogClient {
  constructor(
    private readonly opts: {
      readonly tokens: GraphTokens;
      readonly dispatcher: Dispatcher;
      readonly clock: GraphClock;
      readonly budget: RequestBudget;
      readonly log?: (line: string) => void;
    },
  ) {}

  /** One page: the first of a query (a URL from signInsUrl) or the next (an `@odata.nextLink`). */
  async page(url: URL | string, signal?: AbortSignal): Promise<PageResult> {
    let throttled = 0;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      await this.opts.budget.take(signal);
      const token = await this.opts.tokens.token();
      const res = await request(url, {
        method: 'GET',
        dispatcher: this.opts.dispatcher,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        ...(signal ? { signal } : {}),
      });
      const text = await readCapped(res.body, MAX_PAGE_BYTES);
      if (res.statusCode === 200) {
        const parsed = signInPageSchema.safeParse(safeJson(text));
        if (!parsed.success) {
          throw new TargetError(
            'TARGET_MISCONFIGURED',
            `Graph answered ${new URL(url).pathname} with a page that is not a list of sign-ins (${parsed.error.issues[0]?.message ?? 'not JSON'}).`,
          );
        }
        const next = parsed.data['@odata.nextLink'];
        return { rows: parsed.data.value, ...(next ? { nextLink: next } : {}), throttled };
      }
      const err = graphError(text);
      if (res.statusCode === 429 || res.statusCode === 503 || res.statusCode === 504) {
        if (attempt >= MAX_RETRIES) break;
        throttled += res.statusCode === 429 ? 1 : 0;
        const retryAfterS = Number(header(res.headers['retry-after']));
        const waitMs =
          Number.isFinite(retryAfterS) && retryAfterS > 0 ? retryAfterS * 1000 : 2 ** attempt * 1000;
        this.opts.log?.(
          `sign-in logs: Graph says wait (${res.statusCode}${err.code ? ` ${err.code}` : ''}); retrying in ${Math.ceil(waitMs / 1000)} s`,
        );
        await this.opts.clock.wait(waitMs, signal);
        continue;
      }
      if (res.statusCode === 401 && this.opts.tokens.renewable && !renewed) {
        renewed = true;
        await this.opts.tokens.token(true);
        continue;
      }
      throw new TargetError('TARGET_REFUSED', explain(res.statusCode, err, this.opts.tokens));
    }
    throw new TargetError(
      'TARGET_UNREACHABLE',
      `Graph kept answering 429/5xx for ${new URL(url).pathname}; try again later (the sign-ins stay in the logs for 30 days).`,
    );
  }
}

function explain(status: number, err: { code?: string; message?: string }, tokens: GraphTokens): string {
  const said = err.message ? `: ${err.code ? `${err.code}: ` : ''}${err.message}` : '';
  if (status === 401) {
    return `Graph refused the token (401${said}) from ${tokens.describe()}: ${tokens.renewable ? 'check the app id and tenant' : 'it has probably expired; get a new one (az account get-access-token --resource-type ms-graph)'}.`;
  }
  if (status === 403) {
    const licence = /premium|non.?premium|license|licence/i.test(`${err.code} ${err.message}`);
    return licence
      ? `Graph refused to read the sign-in logs (403${said}): they need an Entra ID P1 or P2 licence in the tenant.`
      : `Graph refused to read the sign-in logs (403${said}): ${tokens.describe()} needs ${SIGNIN_LOG_PERMISSION} (application permission, with admin consent; for a user's token, a role that may read sign-in logs such as Reports Reader) and an Entra ID P1 or P2 licence.`;
  }
  return `Graph answered ${status}${said} reading the sign-in logs.`;
}

function graphError(text: string): { code?: string; message?: string } {
  const j = safeJson(text) as { error?: { code?: unknown; message?: unknown } } | undefined;
  const e = j?.error;
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.message === 'string' ? { message: e.message.slice(0, 300) } : {}),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

async function readCapped(body: AsyncIterable<Buffer>, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > cap)
      throw new TargetError(
        'TARGET_MISCONFIGURED',
        `Graph sent a reply over ${cap / 1024 / 1024} MB; not a page of sign-ins.`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
