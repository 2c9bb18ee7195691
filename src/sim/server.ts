import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { agentSpecSchema, defaultAgents, describeIssues, versionsSchema } from '../protocol/agent-spec.js';
import { AdminApi } from './admin-api.js';
import { AgentPool } from './agent-pool.js';
import { ClientAuth } from './client-auth.js';
import { Stamp } from './entra-errors.js';
import { GraphApps } from './graph-app.js';
import { GRAPH_LOG_DEFAULTS, GraphSignInLogs } from './graph-signins.js';
import { Injector, injectSchema } from './injection.js';
import { SmartLockout } from './lockout.js';
import { OnPremLockout } from './on-prem-lockout.js';
import { DEFAULTS, type SimOptions, systemClock } from './options.js';
import { ProcessingTimes } from './processing-times.js';
import { Dispatcher } from './pta-dispatcher.js';
import { RequestLoopDetector } from './request-loop.js';
import { route } from './router.js';
import { ScopeValidator } from './scope.js';
import { makeSelfSignedCert } from './self-signed-cert.js';
import { DEFAULT_SIGNIN_CAPACITY, SignInRecord } from './signin-record.js';
import { SimCounters } from './tenant-counters.js';
import { TimerWheel } from './timer-wheel.js';
import { TokenEndpoint } from './token-endpoint.js';
import { TokenMinter } from './tokens.js';
import { UserDirectory } from './user-directory.js';

export type { SimOptions } from './options.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SimHandle {
  /** `http(s)://host:port` */
  readonly url: string;
  readonly tenant: string;
  readonly domain: string;
  readonly clientId: string;
  readonly adminToken: string;
  readonly seed: number | string;
  /** CA PEM file clients should trust (TLS mode only). */
  readonly caFile?: string;
  readonly caPem?: string;
  readonly pool: AgentPool;
  readonly users: UserDirectory;
  readonly counters: SimCounters;
  readonly lockout: SmartLockout;
  readonly queueDepth: () => number;
  /** The simulated Graph: mint a token directly (tests of expired or under-privileged tokens), count requests. */
  readonly graph: {
    issue(appId: string, roles: readonly string[], lifetimeS: number): Record<string, unknown>;
    readonly requests: number;
  };
  close(): Promise<void>;
}

/** Starts the simulated tenant and resolves once it listens. */
export async function startSim(options: SimOptions = {}): Promise<SimHandle> {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? (() => {});
  const tenant = guidOption('tenant', options.tenant);
  const clientId = guidOption('client id', options.clientId);
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  const domain = (options.domain ?? domainOf(options.users?.[0]?.username) ?? DEFAULTS.domain).toLowerCase();
  const versions = checkedVersions(options.versions ?? {});
  const ptaTimeoutMs = positive('ptaTimeoutMs', options.ptaTimeoutMs ?? DEFAULTS.ptaTimeoutMs);
  const queueTimeoutMs = Math.min(
    ptaTimeoutMs,
    positive('queueTimeoutMs', options.queueTimeoutMs ?? ptaTimeoutMs / 2),
  );
  const detectionDelayMs = options.detectionDelayMs ?? DEFAULTS.detectionDelayMs;
  const lockoutPolicy = options.lockout ?? DEFAULTS.lockout;
  const maxAgents = options.maxAgents ?? DEFAULTS.maxAgents;
  const clientAuth = checkedApp(options.app ?? DEFAULTS.app);
  // Checked before the server listens, so a refused option leaves nothing open.
  const agentSpecs = checkedAgents(options.agents ?? defaultAgents(DEFAULTS.agents), maxAgents);

  const injector = new Injector(seed);
  if (options.inject) {
    const checked = injectSchema.safeParse(options.inject);
    if (!checked.success) throw new UsageError(describeIssues('inject', checked.error));
    injector.set(checked.data);
  }

  const users = new UserDirectory(domain);
  if (options.generate) users.derive(options.generate, seed);
  users.load(options.users ?? []);
  const counters = new SimCounters();
  const lockout = new SmartLockout(lockoutPolicy, clock);
  const onPremLockout = options.onPremLockout ? new OnPremLockout(options.onPremLockout, clock) : undefined;
  const requestLoop = options.requestLoop ? new RequestLoopDetector(options.requestLoop, clock) : undefined;
  const wheel = new TimerWheel();
  const stamp = new Stamp(clock);
  const signIns = new SignInRecord(options.signInRecord ?? DEFAULT_SIGNIN_CAPACITY);
  const processingTimes = new ProcessingTimes();
  const graphApps = new GraphApps(options.graph?.apps ?? [], clock, options.graph?.tokenLifetimeS);

  const tls = options.tls
    ? makeSelfSignedCert({ hosts: [...new Set(['127.0.0.1', 'localhost', options.host ?? DEFAULTS.host])] })
    : undefined;
  const server: Server = tls
    ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem, noDelay: true })
    : createHttpServer({ noDelay: true });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;

  const host = options.host ?? DEFAULTS.host;
  const caFile = tls ? writeCa(tls.certPem, options.caFile) : undefined;
  await listen(server, host, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const endpoint = new TokenEndpoint({
    injector,
    tenant,
    clientId,
    users,
    lockout,
    onPremLockout,
    requestLoop,
    clientAuth,
    scopes: new ScopeValidator(clientId),
    minter: new TokenMinter(tenant, clientId, url),
    counters,
    stamp,
    clock,
    signIns,
    processingTimes,
    ticks: () => wheel.now(),
    omitAgentHeader: options.omitAgentHeader ?? false,
    // Only a tenant with log-reading apps answers client credentials; otherwise the grant stays unsupported.
    ...(options.graph?.apps?.length ? { graphApps } : {}),
    origin: () => url,
  });
  const dispatcher = new Dispatcher({
    wheel,
    ptaTimeoutMs,
    queueTimeoutMs,
    detectionDelayMs,
    seed,
    directory: options.directory,
    lateAnswerCode: options.lateAnswerCode ?? DEFAULTS.lateAnswerCode,
    answer: endpoint.answer,
  });
  endpoint.dispatcher = dispatcher;
  let started = false;
  const pool = new AgentPool(dispatcher, versions, (line) => started && log(line), maxAgents);
  for (const spec of agentSpecs) pool.add(spec);
  started = true;
  const queueDepth = () => dispatcher.queueDepth;
  const startedAt = performance.now();
  const admin = new AdminApi({
    token: adminToken,
    injector,
    protections: {
      get ipBlock() {
        return endpoint.ipBlock;
      },
      set ipBlock(on: boolean) {
        endpoint.ipBlock = on;
        log(`IP block ${on ? 'on: every sign-in answers 50053' : 'off'}`);
      },
      lockedUsers: () => lockout.locked,
      onPremLockedUsers: () => onPremLockout?.locked ?? 0,
    },
    pool,
    users,
    counters,
    queueDepth,
    signIns,
    processingTimes,
    startedAt,
    now: () => performance.now(),
  });
  endpoint.ipBlock = options.ipBlock ?? false;
  const discovery = { base: url, tenant, domain };

  const graphLogs = new GraphSignInLogs(
    signIns,
    graphApps,
    clock,
    {
      ingestionDelayMs: options.graph?.ingestionDelayMs ?? GRAPH_LOG_DEFAULTS.ingestionDelayMs,
      throttle: options.graph?.throttle ?? GRAPH_LOG_DEFAULTS.throttle,
      pageSize: options.graph?.pageSize ?? GRAPH_LOG_DEFAULTS.pageSize,
      ropcEventType: options.graph?.ropcEventType ?? GRAPH_LOG_DEFAULTS.ropcEventType,
    },
    () => url,
  );
  server.on('request', route({ endpoint, admin, discovery, users, stamp, graph: graphLogs }));

  log(
    `listening on ${url} (tenant ${tenant}, domain ${domain}, ${users.size} users, ` +
      `${pool.list().length} agents, PTA timeout ${ptaTimeoutMs} ms, seed ${seed})`,
  );
  return {
    url,
    tenant,
    domain,
    clientId,
    adminToken,
    seed,
    ...(tls ? { caPem: tls.certPem, caFile } : {}),
    pool,
    users,
    counters,
    lockout,
    queueDepth,
    graph: {
      issue: (appId, roles, lifetimeS) => graphApps.issue(appId, roles, lifetimeS),
      get requests() {
        return graphLogs.requests;
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        dispatcher.stop();
        // A CA file we chose ourselves is ours to remove; one the caller named is theirs.
        if (caFile !== undefined && options.caFile === undefined) rmSync(caFile, { force: true });
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'the port is in use'
          : err.code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges)'
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? 'no such local address'
              : err.message;
      reject(
        new UsageError(
          `the sim cannot listen on ${host}:${port}: ${why}. Pick another --host/--port (port 0 picks a free one).`,
        ),
      );
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

function writeCa(pem: string, path: string | undefined): string {
  const file = path ?? join(tmpdir(), `ptaload-sim-ca-${process.pid}-${randomUUID().slice(0, 8)}.pem`);
  try {
    writeFileSync(file, pem);
  } catch (err) {
    throw new UsageError(
      `cannot write the CA certificate to ${file}: ${(err as Error).message}. Pass a writable path with --ca-out.`,
    );
  }
  return file;
}

function guidOption(what: string, value: string | undefined): string {
  if (value === undefined) return randomUUID();
  if (!GUID.test(value))
    throw new UsageError(`the sim's ${what} must be a GUID like 8a1f…-…, got '${value}'.`);
  return value.toLowerCase();
}

function positive(what: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new UsageError(`sim option ${what} must be a positive number, got ${value}.`);
  return value;
}

function domainOf(username: string | undefined): string | undefined {
  const at = username?.lastIndexOf('@') ?? -1;
  return at > 0 ? username!.slice(at + 1) : undefined;
}

function checkedApp(app: NonNullable<SimOptions['app']>): ClientAuth {
  if (app.type === 'confidential' && !app.secret) {
    throw new UsageError(
      'the sim app is confidential but has no client secret: give one (sim --client-secret-env NAME), or make the app public.',
    );
  }
  return new ClientAuth(app);
}

function checkedAgents(specs: readonly unknown[], maxAgents: number) {
  if (specs.length > maxAgents) {
    throw new UsageError(
      `agents: ${specs.length} agents given, but Entra registers at most ${maxAgents} per tenant; give ${maxAgents} or fewer.`,
    );
  }
  const seen = new Set<string>();
  return specs.map((spec, i) => {
    const r = agentSpecSchema.safeParse(spec);
    if (!r.success) throw new UsageError(`${describeIssues(`agents[${i}]`, r.error)}.`);
    if (seen.has(r.data.name))
      throw new UsageError(
        `agents[${i}]: the agent name '${r.data.name}' is used twice; agent names must be unique.`,
      );
    seen.add(r.data.name);
    return r.data;
  });
}

function checkedVersions(versions: unknown) {
  const r = versionsSchema.safeParse(versions);
  if (!r.success) throw new UsageError(`${describeIssues('versions', r.error)}.`);
  return r.data;
}
