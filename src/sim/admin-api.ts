import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { UsersError } from '../errors.js';
import { agentSpecSchema, degradeSchema, describeIssues } from '../protocol/agent-spec.js';
import { USER_STATES } from '../protocol/test-user.js';
import { AgentOpError, type AgentPool, type RemoveMode } from './agent-pool.js';
import { type Injector, injectSchema } from './injection.js';
import { sendJson } from './json-reply.js';
import { PROCESSING_HISTOGRAM, type ProcessingTimes } from './processing-times.js';
import type { SignInRecord } from './signin-record.js';
import type { SimCounters } from './tenant-counters.js';
import type { UserDirectory } from './user-directory.js';

const SMALL_BODY = 64 * 1024;
/** Enough for a million generated users in one `POST /_sim/users`. */
const USERS_BODY = 256 * 1024 * 1024;

const usersBodySchema = z.strictObject({
  users: z.array(
    z.strictObject({
      username: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'a user principal name like user@contoso.test'),
      password: z.string().min(1),
      state: z.enum(USER_STATES).default('active'),
    }),
  ),
});

/** Switches the sim's tenant-wide protections and reports its lockout counts. */
interface Protections {
  ipBlock: boolean;
  readonly lockedUsers: () => number;
  readonly onPremLockedUsers: () => number;
}

const ipBlockSchema = z.strictObject({ on: z.boolean() });

export interface AdminDeps {
  readonly token: string;
  readonly injector: Injector;
  readonly protections: Protections;
  readonly pool: AgentPool;
  readonly users: UserDirectory;
  readonly counters: SimCounters;
  readonly queueDepth: () => number;
  readonly signIns: SignInRecord;
  readonly processingTimes: ProcessingTimes;
  readonly startedAt: number;
  readonly now: () => number;
}

class BadRequest extends Error {}

/**
 * The sim's control surface under `/_sim/` (bearer token, compared in constant time). Used by the
 * harness to change the agent set mid-run and by tests; never part of what a real tenant offers.
 */
export class AdminApi {
  private readonly tokenDigest: Buffer;

  constructor(private readonly d: AdminDeps) {
    this.tokenDigest = digest(`Bearer ${d.token}`);
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    if (!timingSafeEqual(digest(req.headers.authorization ?? ''), this.tokenDigest)) {
      req.resume();
      sendJson(res, 401, {
        error: 'unauthorized',
        message: 'the sim admin API needs header Authorization: Bearer <admin token> (see the ready line).',
      });
      return;
    }
    const limit = path === '/_sim/users' ? USERS_BODY : SMALL_BODY;
    readBody(req, limit)
      .then((body) =>
        this.route(req.method ?? 'GET', path.split('/').slice(2).map(decodeURIComponent), query, body),
      )
      .then(([status, payload]) => sendJson(res, status, payload))
      .catch((err: unknown) => {
        if (err instanceof AgentOpError) {
          return sendJson(res, err.status, {
            error: err.status === 404 ? 'not_found' : 'conflict',
            message: err.message,
          });
        }
        if (err instanceof BadRequest || err instanceof UsersError) {
          return sendJson(res, 400, { error: 'bad_request', message: err.message });
        }
        sendJson(res, 500, { error: 'internal', message: err instanceof Error ? err.message : String(err) });
      });
  }

  private async route(
    method: string,
    parts: string[],
    query: URLSearchParams,
    body: string,
  ): Promise<[number, unknown]> {
    const { pool } = this.d;
    const [area, name, verb] = parts;
    const key = `${method} ${area}${name === undefined ? '' : '/:'}${verb === undefined ? '' : `/${verb}`}`;
    switch (key) {
      case 'GET agents':
        return [200, { agents: pool.list(), queueDepth: this.d.queueDepth() }];
      case 'POST agents':
        return [201, { agent: this.add(body).view() }];
      case 'DELETE agents/:':
        return [200, { agent: pool.remove(name!, mode(query)).view() }];
      case 'POST agents/:/degrade':
        return [200, { agent: pool.degrade(name!, parse(degradeSchema, body || '{}', 'degrade')).view() }];
      case 'POST agents/:/restore':
        return [200, { agent: pool.restore(name!).view() }];
      case 'POST sites/:/fail':
        return [200, { agents: pool.failSite(name!, mode(query)).map((a) => a.view()) }];
      case 'POST sites/:/restore':
        return [200, { agents: pool.restoreSite(name!).map((a) => a.view()) }];
      case 'POST ip-block':
        this.d.protections.ipBlock = parse(ipBlockSchema, body, 'ip-block').on;
        return [200, { ipBlock: this.d.protections.ipBlock }];
      case 'POST inject':
        this.d.injector.set(parse(injectSchema, body, 'inject'));
        return [200, { inject: this.d.injector.view() }];
      case 'DELETE inject':
        this.d.injector.clear();
        return [200, { inject: null }];
      case 'GET inject':
        return [200, { inject: this.d.injector.view() }];
      case 'GET counters':
        return [200, this.counters()];
      case 'GET signins':
        return [200, this.signIns(query)];
      case 'GET processing':
        return [200, { unit: 'µs', histogram: PROCESSING_HISTOGRAM, agents: this.d.processingTimes.view() }];
      case 'POST users': {
        const { users } = parse(usersBodySchema, body, 'users');
        this.d.users.load(users, 'users');
        return [204, undefined];
      }
      default:
        throw notFound(method, parts);
    }
  }

  /** A spec adds (or revives with new settings); a bare JSON string revives a known agent as it was. */
  private add(body: string) {
    const named = parse(agentSpecSchema.or(z.string()), body, 'agent');
    if (typeof named !== 'string') return this.d.pool.add(named);
    const agent = this.d.pool.get(named);
    if (agent.lifecycle === 'running') throw new AgentOpError(409, `agent '${named}' is already active`);
    return this.d.pool.restore(named);
  }

  /** `?correlationId=…`, `?requestId=…`, `?limit=n` (default 100, at most 10,000): newest first. */
  private signIns(query: URLSearchParams): Record<string, unknown> {
    const limit = Number(query.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new BadRequest(`limit must be a whole number from 1 to 10000, got '${query.get('limit')}'`);
    }
    const correlationId = query.get('correlationId') ?? undefined;
    const requestId = query.get('requestId') ?? undefined;
    const signIns = this.d.signIns.find({
      limit,
      ...(correlationId ? { correlationId } : {}),
      ...(requestId ? { requestId } : {}),
    });
    return { signIns, held: this.d.signIns.count, capacity: this.d.signIns.capacity };
  }

  private counters(): Record<string, unknown> {
    const { counters, pool } = this.d;
    const agents = pool.list();
    const sum = (pick: (a: (typeof agents)[number]) => number) => agents.reduce((n, a) => n + pick(a), 0);
    return {
      requests: counters.requests,
      byCode: counters.byCode(),
      served: sum((a) => a.served),
      failed: sum((a) => a.failed),
      timedOut: counters.of(80002),
      unavailable: counters.of(80001),
      queueDepth: this.d.queueDepth(),
      inFlight: pool.inFlight,
      agentsListening: agents.filter((a) => a.state === 'active' || a.state === 'degraded').length,
      users: this.d.users.size,
      lockedUsers: this.d.protections.lockedUsers(),
      onPremLockedUsers: this.d.protections.onPremLockedUsers(),
      ipBlock: this.d.protections.ipBlock,
      uptimeMs: Math.round(this.d.now() - this.d.startedAt),
    };
  }
}

function mode(query: URLSearchParams): RemoveMode {
  const m = query.get('mode') ?? 'drain';
  if (m !== 'drain' && m !== 'crash') throw new BadRequest(`mode must be drain or crash, got '${m}'`);
  return m;
}

function parse<T>(schema: z.ZodType<T>, body: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BadRequest(`${what}: the body must be JSON`);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new BadRequest(describeIssues(what, result.error));
  return result.data;
}

function notFound(method: string, parts: string[]): AgentOpError {
  return new AgentOpError(404, `no admin route ${method} /_sim/${parts.join('/')}`);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) reject(new BadRequest(`the body is larger than ${limit} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
