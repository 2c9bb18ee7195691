/** The simulated token endpoint: ROPC on v2.0 and v1, checked in Entra's order, answered in Entra's shape. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { AADSTS, type AadstsCode } from '../protocol/aadsts.js';
import type { Agent } from './agent.js';
import type { ClientAuth } from './client-auth.js';
import { errorBody, replyIds, type Stamp } from './entra-errors.js';
import type { GraphApps } from './graph-app.js';
import type { Injector } from './injection.js';
import type { SmartLockout } from './lockout.js';
import type { OnPremLockout } from './on-prem-lockout.js';
import type { Clock } from './options.js';
import type { ProcessingTimes } from './processing-times.js';
import { type Dispatcher, Validation, type Verdict } from './pta-dispatcher.js';
import { replyHeaders } from './reply-headers.js';
import type { RequestLoopDetector } from './request-loop.js';
import type { ScopeGrant, ScopeValidator } from './scope.js';
import type { SignInRecord } from './signin-record.js';
import type { SimCounters } from './tenant-counters.js';
import type { TokenMinter } from './tokens.js';
import type { DirectoryUser, UserDirectory } from './user-directory.js';

const MAX_BODY = 64 * 1024;
const REQUIRED_FOR_PASSWORD = ['username', 'password'] as const;

/** `v2`: `/{tenant}/oauth2/v2.0/token` with `scope`; `v1`: `/{tenant}/oauth2/token` with `resource`. */
export type TokenApi = 'v1' | 'v2';

interface Rejection {
  readonly entry: AadstsCode;
  readonly vars: Readonly<Record<string, string>>;
}

interface Accepted {
  readonly user: DirectoryUser;
  readonly grant: ScopeGrant;
  readonly password: string;
  /** v1 only: the resource the token is for. */
  readonly resource: string | undefined;
  readonly clientInfo: boolean;
}

/** One ROPC sign-in waiting for its password check. */
export class SignIn extends Validation {
  constructor(
    public res: ServerResponse | null,
    public password: string,
    readonly accepted: Accepted,
    readonly clientRequestId: string | undefined,
    readonly echoId: boolean,
    readonly log: LogContext,
  ) {
    super();
  }
}

/** What the sign-in logs keep of a request besides its answer: who, from where, for which app, since when. */
export interface LogContext {
  readonly upn: string;
  readonly appId: string;
  readonly ip: string;
  /** Epoch ms the request arrived. */
  readonly startedAt: number;
  /** The same moment on the monotonic clock (`TokenEndpointDeps.ticks`), for its processing time. */
  readonly arrivedTick: number;
}

/** What an answer logs besides its code: the request's context and the agent's service time (NaN: none finished). */
interface Answered {
  readonly log: LogContext;
  readonly serviceMs: number;
}

export interface TokenEndpointDeps {
  readonly tenant: string;
  readonly clientId: string;
  readonly users: UserDirectory;
  readonly lockout: SmartLockout;
  readonly onPremLockout: OnPremLockout | undefined;
  readonly requestLoop: RequestLoopDetector | undefined;
  readonly clientAuth: ClientAuth;
  readonly scopes: ScopeValidator;
  readonly minter: TokenMinter;
  readonly counters: SimCounters;
  readonly stamp: Stamp;
  readonly clock: Clock;
  /** Every answer is written here, as Entra's sign-in logs would keep it. */
  readonly signIns?: SignInRecord;
  /** Per agent, the processing and service times of its answers, kept apart from the log ring. */
  readonly processingTimes?: ProcessingTimes;
  /** Monotonic ms (the dispatcher's clock), for processing times; performance.now() when not given. */
  readonly ticks?: () => number;
  /** Like Entra, name no agent in replies (the harness then keys every figure `tenant`). */
  readonly omitAgentHeader?: boolean;
  /** Client credentials for Graph (the sign-in log API); absent: that grant is unsupported. */
  readonly graphApps?: GraphApps;
  /** `scheme://host:port`, for the token URL a client assertion must name. */
  readonly origin?: () => string;
  /** Codes injected through the admin API (`/_sim/inject`), each applied at its point of Entra's order. */
  readonly injector?: Injector;
}

/**
 * The password grant, checked in Entra's order: request shape, tenant (not /common or /consumers),
 * application and its client authentication, scope, an IP block, user, request loop, smart lockout
 * (before any agent is asked), account state; then the password goes to an agent through the dispatcher,
 * which meets the on-prem AD (and its lockout), and the agent's answer decides the reply.
 */
export class TokenEndpoint {
  dispatcher!: Dispatcher<SignIn>;
  /** Entra blocking the caller's IP as malicious: 50053 for everyone, whatever the password. */
  ipBlock = false;

  constructor(private readonly d: TokenEndpointDeps) {}

  handle(req: IncomingMessage, res: ServerResponse, tenantSegment: string, api: TokenApi): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const form = /x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')
        ? parseForm(chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString())
        : EMPTY_FORM;
      this.process(req, res, tenantSegment, form, api);
    });
  }

  /** Anything but POST on a token endpoint (Entra: 900561). */
  refuseMethod(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    this.fail(
      res,
      AADSTS.postOnly,
      { method: req.method ?? 'GET' },
      header(req, 'client-request-id'),
      false,
      undefined,
      undefined,
    );
  }

  /** The dispatcher's verdict on a sign-in becomes the reply. */
  readonly answer = (s: SignIn, verdict: Verdict, agent: Agent | null): void => {
    const res = s.res;
    const password = s.password;
    s.res = null;
    s.password = '';
    if (res === null) return;
    // The reply did not wait for the agent (it ended at the deadline): no service time of its own.
    if (verdict === 80002 || verdict === 80001) s.serviceMs = Number.NaN;
    const injected = verdict === 'checked' ? this.d.injector?.at('agent') : undefined;
    if (injected !== undefined)
      this.fail(res, injected, this.vars(), s.clientRequestId, s.echoId, agent ?? undefined, s);
    else if (verdict === 'checked') this.afterPasswordCheck(res, s, password, agent);
    else this.fail(res, PTA_ERRORS[verdict], {}, s.clientRequestId, s.echoId, agent ?? undefined, s);
  };

  private process(
    req: IncomingMessage,
    res: ServerResponse,
    tenantSegment: string,
    form: Form,
    api: TokenApi,
  ): void {
    const cri = header(req, 'client-request-id');
    const echo = header(req, 'return-client-request-id')?.toLowerCase() === 'true';
    if (this.d.graphApps && first(form.grant_type) === 'client_credentials') {
      this.clientCredentials(res, tenantSegment, form, cri, echo);
      return;
    }
    this.d.counters.requests++;
    const log: LogContext = {
      upn: usernameOf(form),
      appId: first(form.client_id) ?? '',
      ip: req.socket.remoteAddress ?? '',
      startedAt: this.d.clock.now(),
      arrivedTick: this.tick(),
    };
    const checked = this.check(tenantSegment, form, api);
    if ('entry' in checked)
      this.fail(res, checked.entry, checked.vars, cri, echo, undefined, { log, serviceMs: Number.NaN });
    else this.dispatcher.submit(new SignIn(res, checked.password, checked, cri, echo, log));
  }

  /** An app-only token for Graph (the simulated sign-in logs), as Entra's client-credentials grant answers. */
  private clientCredentials(
    res: ServerResponse,
    tenantSegment: string,
    form: Form,
    cri: string | undefined,
    echo: boolean,
  ): void {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (typeof first(v) === 'string') params.set(k, first(v)!);
    const tokenUrl = `${this.d.origin?.() ?? ''}/${tenantSegment}/oauth2/v2.0/token`;
    const reply = this.d.graphApps!.clientCredentials(params, tokenUrl);
    if (!reply.ok) {
      const ids = replyIds(cri);
      const body = JSON.stringify(errorBody(reply.entry, reply.vars ?? {}, ids, this.d.stamp.now()));
      res.writeHead(reply.status, replyHeaders(ids.traceId, reply.entry.code, cri, echo, undefined, body));
      res.end(body);
      return;
    }
    const body = JSON.stringify(reply.body);
    const ids = replyIds(cri);
    res.writeHead(200, replyHeaders(ids.traceId, 0, cri, echo, undefined, body));
    res.end(body);
  }

  /** Everything Entra decides before any agent is asked, in Entra's order. */
  private check(tenantSegment: string, form: Form, api: TokenApi): Rejection | Accepted {
    const d = this.d;
    // Repeated fields: the first wins. Empty counts as missing, as in Entra.
    const field = (name: string): string | undefined => {
      const v = form[name];
      return (Array.isArray(v) ? v[0] : v) || undefined;
    };
    const missing = (parameter: string): Rejection => ({
      entry: AADSTS.missingParameter,
      vars: { parameter },
    });
    const grantType = field('grant_type');
    if (grantType === undefined) return missing('grant_type');
    const clientId = field('client_id');
    if (clientId === undefined) return missing('client_id');
    if (grantType !== 'password') return { entry: AADSTS.unsupportedGrant, vars: {} };
    const resource = api === 'v1' ? field('resource') : undefined;
    if (api === 'v1' ? resource === undefined : field('scope') === undefined) {
      return missing(api === 'v1' ? 'resource' : 'scope');
    }
    for (const name of REQUIRED_FOR_PASSWORD) if (field(name) === undefined) return missing(name);
    const tenant = tenantSegment.toLowerCase();
    if (tenant === 'common' || tenant === 'consumers') return { entry: AADSTS.genericTenant, vars: {} };
    if (!(tenant === d.tenant || tenant === 'organizations' || d.users.isVerifiedDomain(tenant))) {
      return { entry: AADSTS.tenantNotFound, vars: { tenant: tenantSegment } };
    }
    if (clientId.toLowerCase() !== d.clientId) {
      return { entry: AADSTS.appNotFound, vars: { clientId, tenant: d.tenant } };
    }
    const refused = d.clientAuth.check(field('client_secret'));
    if (refused !== undefined) return { entry: refused, vars: { clientId } };
    const scope =
      api === 'v1'
        ? `${resource!.replace(/\/+$/, '')}/.default ${field('scope') ?? 'openid'}`
        : field('scope')!;
    const grant = d.scopes.check(scope);
    if (!grant.valid) {
      return api === 'v1'
        ? { entry: AADSTS.resourceNotFound, vars: { resource: resource!, tenant: d.tenant } }
        : { entry: AADSTS.invalidScope, vars: { scope: grant.offending } };
    }
    const atTenant = d.injector?.at('tenant');
    if (atTenant !== undefined) return { entry: atTenant, vars: this.vars() };
    if (this.ipBlock) return { entry: AADSTS.locked, vars: {} };
    const username = field('username')!;
    const user = d.users.find(username);
    if (user === undefined) return { entry: AADSTS.userNotFound, vars: { tenant: d.tenant } };
    if (d.requestLoop?.hit(user.key)) return { entry: AADSTS.requestLoop, vars: {} };
    if (d.lockout.lockedFor(user.key) > 0) return { entry: AADSTS.locked, vars: {} };
    const atUser = d.injector?.at('user');
    if (atUser !== undefined) return { entry: atUser, vars: this.vars() };
    if (user.state === 'disabled') return { entry: AADSTS.disabled, vars: {} };
    return { user, grant, password: field('password')!, resource, clientInfo: field('client_info') === '1' };
  }

  /**
   * The agent took the password to AD: AD's own lockout first (a locked AD account refuses even the right
   * password), then the password, then what the account may do (AD expiry, MFA, Conditional Access).
   */
  private afterPasswordCheck(res: ServerResponse, s: SignIn, password: string, agent: Agent | null): void {
    const { user } = s.accepted;
    const { lockout, onPremLockout } = this.d;
    let entry: AadstsCode | undefined;
    if (onPremLockout?.isLocked(user.key)) {
      entry = AADSTS.locked;
    } else if (password !== user.password) {
      lockout.recordFailure(user.key, password);
      onPremLockout?.recordFailure(user.key);
      entry = AADSTS.invalidPassword;
    } else {
      lockout.recordSuccess(user.key);
      onPremLockout?.recordSuccess(user.key);
      entry = STATE_ERRORS[user.state] ?? this.d.injector?.at('account');
    }
    if (entry !== undefined) {
      this.fail(res, entry, {}, s.clientRequestId, s.echoId, agent ?? undefined, s);
      return;
    }
    const lifetime = 3600 + Math.floor(Math.random() * 1800);
    const { grant, resource, clientInfo } = s.accepted;
    const now = this.d.clock.now();
    const body =
      resource === undefined
        ? this.d.minter.reply(user, grant, now, lifetime, clientInfo)
        : this.d.minter.replyV1(user, grant, now, lifetime, resource);
    this.d.counters.count(0);
    const ids = replyIds(s.clientRequestId);
    this.logAnswer(ids, now, user.username, 200, 0, agent ?? undefined, s);
    res.writeHead(200, replyHeaders(ids.traceId, 0, s.clientRequestId, s.echoId, this.shown(agent), body));
    res.end(body);
  }

  /** Placeholder values for an injected code's text (the request's own are not kept that far). */
  private vars(): Readonly<Record<string, string>> {
    const { clientId, tenant } = this.d;
    return { clientId, tenant, parameter: 'password', scope: 'openid', resource: 'openid', method: 'POST' };
  }

  /**
   * Writes the answer into the sign-in log ring and, when an agent validated it, the agent's processing
   * time (arrival to this reply, on the monotonic clock: queue wait + service + the sim's own delay).
   */
  private logAnswer(
    ids: { readonly correlationId: string; readonly traceId: string },
    now: number,
    upn: string,
    status: number,
    code: number,
    agent: Agent | undefined,
    from: Answered | undefined,
  ): void {
    const processingMs = from === undefined ? 0 : Math.max(0, this.tick() - from.log.arrivedTick);
    this.d.signIns?.put(
      ids.correlationId,
      ids.traceId,
      now,
      upn,
      status,
      code,
      agent?.name,
      from?.log.startedAt ?? now,
      from?.log.appId ?? '',
      from?.log.ip ?? '',
      agent?.spec.agentId,
      processingMs,
    );
    if (agent !== undefined && from !== undefined) {
      const serviceMs = Number.isNaN(from.serviceMs) ? undefined : from.serviceMs;
      this.d.processingTimes?.record(
        { name: agent.name, agentId: agent.spec.agentId },
        processingMs,
        serviceMs,
      );
    }
  }

  private tick(): number {
    return this.d.ticks ? this.d.ticks() : performance.now();
  }

  /** The agent a reply names in its header: none when the tenant behaves like Entra. */
  private shown(agent: Agent | null): string | undefined {
    return this.d.omitAgentHeader ? undefined : agent?.name;
  }

  private fail(
    res: ServerResponse,
    entry: AadstsCode,
    vars: Readonly<Record<string, string>>,
    cri: string | undefined,
    echo: boolean,
    agent: Agent | undefined,
    from: Answered | undefined,
  ): void {
    const ids = replyIds(cri);
    const body = JSON.stringify(errorBody(entry, vars, ids, this.d.stamp.now()));
    this.d.counters.count(entry.code);
    this.logAnswer(ids, this.d.clock.now(), from?.log.upn ?? '', entry.status, entry.code, agent, from);
    res.writeHead(
      entry.status,
      replyHeaders(ids.traceId, entry.code, cri, echo, this.shown(agent ?? null), body),
    );
    res.end(body);
  }
}

type Form = NodeJS.Dict<string | string[]>;
const EMPTY_FORM: Form = {};

const PTA_ERRORS: Record<Exclude<Verdict, 'checked'>, AadstsCode> = {
  80001: AADSTS.ptaUnavailable,
  80002: AADSTS.ptaTimeout,
  80005: AADSTS.ptaUnknown,
  80007: AADSTS.ptaAdError,
  80014: AADSTS.ptaMaxElapsed,
};

/** What a user's state answers once the password is right (`disabled` is refused before any agent). */
const STATE_ERRORS: Readonly<Record<DirectoryUser['state'], AadstsCode | undefined>> = {
  active: undefined,
  disabled: AADSTS.disabled,
  expired: AADSTS.onPremPasswordExpired,
  mfa: AADSTS.mfaRequired,
  'ca-blocked': AADSTS.caBlocked,
};

function usernameOf(form: Form): string {
  return first(form.username) ?? '';
}

/** A form field as Entra reads it: the first of repeated values. */
function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
