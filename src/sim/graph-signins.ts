/**
 * The simulated tenant's sign-in logs as Microsoft Graph serves them: GET /v1.0 and /beta auditLogs/signIns,
 * shaped like Graph's `signIn`, with the OData subset ptaload uses, paging, an ingestion delay and Graph's
 * throttling of the reporting API.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AADSTS } from '../protocol/aadsts.js';
import { MAX_PAGE, ptaMethodDetail, SIGNIN_LOG_PERMISSION } from '../protocol/graph-signin.js';
import type { GraphApps } from './graph-app.js';
import { matches, ODataError, parseSignInFilter, readSkipToken, skipToken } from './graph-odata.js';
import { sendJson } from './json-reply.js';
import type { Clock } from './options.js';

/** One answered sign-in, as the simulator keeps it for its logs. Never a password. */
export interface LoggedSignIn {
  readonly correlationId: string;
  readonly requestId: string;
  /** Epoch ms the request arrived and the reply was sent. */
  readonly startedAt: number;
  readonly at: number;
  readonly userPrincipalName: string;
  readonly appId: string;
  readonly ip: string;
  /** AADSTS code, 0 for a success. */
  readonly errorCode: number;
  /** Arrival to reply on the sim's monotonic clock, ms (fractional): queue wait, the agent's service, the sim's own delay. */
  readonly processingMs: number;
  /** The GUID of the agent that validated the password, when one did. */
  readonly agentId?: string;
}

export interface SignInSource {
  /** Every sign-in still held, newest first. */
  newestFirst(): Iterable<LoggedSignIn>;
}

export interface GraphLogOptions {
  /** How late a sign-in shows in the logs (Entra: minutes; default 0 here). */
  readonly ingestionDelayMs: number;
  /** Graph's reporting API limit per app: `requests` per `windowMs`, then 429 with Retry-After. */
  readonly throttle: { readonly requests: number; readonly windowMs: number; readonly retryAfterS: number };
  /** Most sign-ins a page holds (Graph: 1000), so tests can page small runs. */
  readonly pageSize: number;
  /** How ROPC sign-ins are typed in the logs (unconfirmed: non-interactive is our understanding). */
  readonly ropcEventType: 'nonInteractiveUser' | 'interactiveUser';
}

export const GRAPH_LOG_DEFAULTS: GraphLogOptions = {
  ingestionDelayMs: 0,
  throttle: { requests: 5, windowMs: 10_000, retryAfterS: 10 },
  pageSize: MAX_PAGE,
  ropcEventType: 'nonInteractiveUser',
};

const CODE_TEXT = new Map<number, string>(Object.values(AADSTS).map((e) => [e.code, e.message]));

export class GraphSignInLogs {
  private readonly sent = new Map<string, number[]>();
  /** Requests answered (any status), for tests that check what a resumed fetch asked again. */
  requests = 0;

  constructor(
    private readonly source: SignInSource,
    private readonly apps: GraphApps,
    private readonly clock: Clock,
    private readonly opts: GraphLogOptions,
    private readonly origin: () => string,
  ) {}

  /** Whether `path` is one of ours. */
  static serves(path: string): boolean {
    return /^\/(v1\.0|beta)\/auditLogs\/signIns$/i.test(path);
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    req.resume();
    this.requests++;
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      sendJson(res, status, {
        error: {
          code,
          message,
          innerError: {
            date: new Date(this.clock.now()).toISOString(),
            'request-id': randomUUID(),
            'client-request-id': randomUUID(),
          },
        },
      });
    };
    if (req.method !== 'GET') {
      fail(405, 'Request_BadRequest', 'Only GET is supported on auditLogs/signIns.');
      return;
    }
    const auth = this.apps.check(req.headers.authorization, SIGNIN_LOG_PERMISSION);
    if (!auth.ok) {
      fail(auth.status, auth.code, auth.message);
      return;
    }
    if (!this.admit(auth.appId)) {
      fail(429, 'TooManyRequests', 'Too many requests.', {
        'retry-after': String(this.opts.throttle.retryAfterS),
      });
      return;
    }
    const beta = path.toLowerCase().startsWith('/beta/');
    let filter: ReturnType<typeof parseSignInFilter>;
    let offset: number;
    const top = query.get('$top') === null ? MAX_PAGE : Number(query.get('$top'));
    try {
      filter = parseSignInFilter(query.get('$filter'));
      offset = readSkipToken(query.get('$skiptoken'));
      if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE)
        throw new ODataError(`Invalid $top: must be 1 to ${MAX_PAGE}.`);
      if (!beta && filter.eventTypes)
        throw new ODataError(
          "Could not find a property named 'signInEventTypes' on type 'microsoft.graph.signIn'.",
        );
    } catch (err) {
      if (!(err instanceof ODataError)) throw err;
      fail(400, 'BadRequest', err.message);
      return;
    }
    // v1.0 lists interactive sign-ins only; beta's default is the same unless signInEventTypes asks for more.
    const defaultTypes = ['interactiveUser'];
    const visibleBefore = this.clock.now() - this.opts.ingestionDelayMs;
    const size = Math.min(top, this.opts.pageSize);
    const page: Record<string, unknown>[] = [];
    let index = 0;
    let more = false;
    for (const e of this.source.newestFirst()) {
      if (e.at > visibleBefore) continue;
      const fields = {
        createdMs: e.startedAt,
        appId: e.appId,
        correlationId: e.correlationId,
        userPrincipalName: e.userPrincipalName,
        eventType: this.opts.ropcEventType,
      };
      if (!matches(filter, fields, defaultTypes)) continue;
      if (index++ < offset) continue;
      if (page.length === size) {
        more = true;
        break;
      }
      page.push(signIn(e, this.opts.ropcEventType));
    }
    const base = `${this.origin()}${path}`;
    const next = new URLSearchParams(query);
    next.set('$skiptoken', skipToken(offset + page.length));
    sendJson(res, 200, {
      '@odata.context': `${this.origin()}/${beta ? 'beta' : 'v1.0'}/$metadata#auditLogs/signIns`,
      value: page,
      ...(more ? { '@odata.nextLink': `${base}?${next.toString()}` } : {}),
    });
  }

  private admit(appId: string): boolean {
    const now = this.clock.now();
    const { requests, windowMs } = this.opts.throttle;
    const list = (this.sent.get(appId) ?? []).filter((t) => t > now - windowMs);
    if (list.length >= requests) {
      this.sent.set(appId, list);
      return false;
    }
    list.push(now);
    this.sent.set(appId, list);
    return true;
  }
}

/** Graph's `signIn` resource for one logged sign-in. */
function signIn(e: LoggedSignIn, eventType: string): Record<string, unknown> {
  const when = new Date(e.startedAt).toISOString();
  const ok = e.errorCode === 0;
  return {
    id: guidOf(`signin:${e.requestId}`),
    createdDateTime: when,
    userDisplayName: e.userPrincipalName.split('@')[0],
    userPrincipalName: e.userPrincipalName,
    userId: guidOf(`user:${e.userPrincipalName.toLowerCase()}`),
    appId: e.appId,
    appDisplayName: 'ptaload test client',
    ipAddress: e.ip,
    clientAppUsed: 'Mobile Apps and Desktop clients',
    correlationId: e.correlationId,
    originalRequestId: e.requestId,
    conditionalAccessStatus: 'notApplied',
    isInteractive: eventType === 'interactiveUser',
    signInEventTypes: [eventType],
    authenticationRequirement: 'singleFactorAuthentication',
    tokenIssuerType: 'AzureAD',
    userType: 'member',
    resourceDisplayName: 'Microsoft Graph',
    resourceId: '00000003-0000-0000-c000-000000000000',
    // Graph's field is a whole number of ms (whether Entra rounds or truncates is unconfirmed; we round).
    processingTimeInMilliseconds: Math.max(0, Math.round(e.processingMs)),
    status: {
      errorCode: e.errorCode,
      failureReason: ok ? 'Other.' : (CODE_TEXT.get(e.errorCode) ?? 'Other.'),
      additionalDetails: null,
    },
    authenticationDetails: e.agentId
      ? [
          {
            authenticationStepDateTime: when,
            authenticationMethod: 'Password',
            authenticationMethodDetail: ptaMethodDetail(e.agentId),
            succeeded: ok,
            authenticationStepResultDetail: ok
              ? 'Correct password'
              : 'Invalid username or password or Invalid on-premise username or password.',
            authenticationStepRequirement: 'Primary authentication',
          },
        ]
      : [],
    authenticationProcessingDetails: e.agentId
      ? [{ key: 'Pass-through Authentication Agent Id', value: e.agentId }]
      : [],
  };
}

function guidOf(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
