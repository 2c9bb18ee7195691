import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { AADSTS, type AadstsCode } from '../protocol/aadsts.js';
import { AGENT_HEADER } from '../protocol/token.js';
import type { Agent } from './agent.js';
import { errorBody, replyIds, type Stamp } from './entra-errors.js';
import type { SmartLockout } from './lockout.js';
import type { Clock } from './options.js';
import { type Dispatcher, Validation, type Verdict } from './pta-dispatcher.js';
import type { ScopeGrant, ScopeValidator } from './scope.js';
import type { SimCounters } from './tenant-counters.js';
import type { TokenMinter } from './tokens.js';
import type { DirectoryUser, UserDirectory } from './user-directory.js';

const MAX_BODY = 64 * 1024;
const REQUIRED_FOR_PASSWORD = ['scope', 'username', 'password'] as const;

interface Rejection {
  readonly entry: AadstsCode;
  readonly vars: Readonly<Record<string, string>>;
}

interface Accepted {
  readonly user: DirectoryUser;
  readonly grant: ScopeGrant;
  readonly password: string;
}

/** One ROPC sign-in waiting for its password check. */
export class SignIn extends Validation {
  constructor(
    public res: ServerResponse | null,
    readonly user: DirectoryUser,
    public password: string,
    readonly grant: ScopeGrant,
    readonly clientRequestId: string | undefined,
    readonly echoId: boolean,
  ) {
    super();
  }
}

export interface TokenEndpointDeps {
  readonly tenant: string;
  readonly clientId: string;
  readonly users: UserDirectory;
  readonly lockout: SmartLockout;
  readonly scopes: ScopeValidator;
  readonly minter: TokenMinter;
  readonly counters: SimCounters;
  readonly stamp: Stamp;
  readonly clock: Clock;
}

/**
 * `POST /{tenant}/oauth2/v2.0/token` with `grant_type=password`, checked in Entra's order: request
 * shape, tenant, application, scope, user, lockout (before any agent is asked), account state; then
 * the password goes to an agent through the dispatcher and the agent's answer decides the reply.
 */
export class TokenEndpoint {
  dispatcher!: Dispatcher<SignIn>;

  constructor(private readonly d: TokenEndpointDeps) {}

  handle(req: IncomingMessage, res: ServerResponse, tenantSegment: string): void {
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
      this.process(req, res, tenantSegment, form);
    });
  }

  /** The dispatcher's verdict on a sign-in becomes the reply. */
  readonly answer = (s: SignIn, verdict: Verdict, agent: Agent | null): void => {
    const res = s.res;
    const password = s.password;
    s.res = null;
    s.password = '';
    if (res === null) return;
    const name = agent?.name;
    if (verdict === 'checked') this.afterPasswordCheck(res, s, password, name);
    else this.fail(res, PTA_ERRORS[verdict], {}, s.clientRequestId, s.echoId, name);
  };

  private process(req: IncomingMessage, res: ServerResponse, tenantSegment: string, form: Form): void {
    this.d.counters.requests++;
    const cri = header(req, 'client-request-id');
    const echo = header(req, 'return-client-request-id')?.toLowerCase() === 'true';
    const checked = this.check(tenantSegment, form);
    if ('entry' in checked) this.fail(res, checked.entry, checked.vars, cri, echo);
    else this.dispatcher.submit(new SignIn(res, checked.user, checked.password, checked.grant, cri, echo));
  }

  /** Everything Entra decides before any agent is asked, in Entra's order. */
  private check(tenantSegment: string, form: Form): Rejection | Accepted {
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
    for (const name of REQUIRED_FOR_PASSWORD) if (field(name) === undefined) return missing(name);
    const tenant = tenantSegment.toLowerCase();
    const generic = tenant === 'organizations' || tenant === 'common';
    if (!(tenant === d.tenant || generic || d.users.isVerifiedDomain(tenant))) {
      return { entry: AADSTS.tenantNotFound, vars: { tenant: tenantSegment } };
    }
    if (clientId.toLowerCase() !== d.clientId) {
      return { entry: AADSTS.appNotFound, vars: { clientId, tenant: d.tenant } };
    }
    const grant = d.scopes.check(field('scope')!);
    if (!grant.valid) return { entry: AADSTS.invalidScope, vars: { scope: grant.offending } };
    const username = field('username')!;
    const user = d.users.find(username);
    if (user === undefined)
      return { entry: AADSTS.userNotFound, vars: { identifier: username, tenant: d.tenant } };
    if (d.lockout.lockedFor(user.key) > 0) return { entry: AADSTS.locked, vars: {} };
    if (user.state === 'disabled') return { entry: AADSTS.disabled, vars: {} };
    return { user, grant, password: field('password')! };
  }

  /** The agent checked the password: lockout bookkeeping, then the account state decides. */
  private afterPasswordCheck(
    res: ServerResponse,
    s: SignIn,
    password: string,
    agent: string | undefined,
  ): void {
    const { user } = s;
    let entry: AadstsCode | undefined;
    if (password !== user.password) {
      this.d.lockout.recordFailure(user.key, password);
      entry = AADSTS.invalidPassword;
    } else {
      this.d.lockout.recordSuccess(user.key);
      if (user.state === 'expired') entry = AADSTS.passwordExpired;
      else if (user.state === 'mfa') entry = AADSTS.mfaRequired;
    }
    if (entry !== undefined) {
      this.fail(res, entry, {}, s.clientRequestId, s.echoId, agent);
      return;
    }
    const lifetime = 3600 + Math.floor(Math.random() * 1800);
    const body = this.d.minter.reply(user, s.grant, this.d.clock.now(), lifetime);
    this.d.counters.count(0);
    res.writeHead(200, baseHeaders(randomUUID(), s.clientRequestId, s.echoId, agent, body));
    res.end(body);
  }

  private fail(
    res: ServerResponse,
    entry: AadstsCode,
    vars: Readonly<Record<string, string>>,
    cri: string | undefined,
    echo: boolean,
    agent?: string,
  ): void {
    const ids = replyIds(cri);
    const body = JSON.stringify(errorBody(entry, vars, ids, this.d.stamp.now()));
    this.d.counters.count(entry.code);
    res.writeHead(entry.status, baseHeaders(ids.traceId, cri, echo, agent, body));
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
};

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function baseHeaders(
  traceId: string,
  cri: string | undefined,
  echo: boolean,
  agent: string | undefined,
  body: string,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': traceId,
  };
  if (echo && cri !== undefined) headers['client-request-id'] = cri;
  if (agent !== undefined) headers[AGENT_HEADER] = agent;
  return headers;
}
