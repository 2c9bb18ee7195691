import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TargetError } from '../../errors.js';
import type { Profile, SimTarget, TimelineEvent } from '../../profile/schema.js';
import type { SimLaunch } from '../../protocol/sim-launch.js';
import type { TestUser } from '../../protocol/test-user.js';
import { readUsersFile } from '../../users/csv.js';
import { generateUserTable } from '../../users/generate.js';
import { buildUserTable, type UserTableData } from '../../users/user-table.js';
import type { AppliedEvent, Target } from '../target.js';
import { SimAdmin } from './admin-client.js';
import { startSimProcess } from './sim-process.js';

/**
 * The embedded simulated tenant as a target: started as a child process with the profile's agents and users,
 * timeline events applied through its admin API.
 */
export async function startSimTarget(
  profile: Profile,
  opts: { profileDir: string; log: (line: string) => void },
): Promise<Target> {
  const t = profile.target as SimTarget;
  const secret = clientSecret(t, process.env);
  const dir = await mkdtemp(join(tmpdir(), 'ptaload-sim-'));
  const { list, versions } = profile.agents;
  const source = profile.users;
  // A users file is read here, once, and handed over with the launch options. Generated users are derived
  // from the seed on both sides by the same rule (protocol/generated-users.ts): nothing is uploaded, no
  // password crosses the pipe, and none is written to disk.
  const recipe =
    source.generate === undefined
      ? undefined
      : { count: source.generate, domain: t.domain, ...(source.states ? { states: source.states } : {}) };
  const file: readonly TestUser[] | undefined =
    source.generate === undefined ? await readUsersFile(resolve(opts.profileDir, source.file)) : undefined;
  const launch: SimLaunch = {
    port: 0,
    tenant: t.tenant,
    domain: t.domain,
    clientId: t.clientId,
    seed: t.seed,
    agents: list,
    ...(versions ? { versions } : {}),
    ...behaviour(t),
    app:
      secret === undefined
        ? { type: 'public' }
        : { type: 'confidential', secret, secretExpired: t.secretExpired },
    ...(t.tls ? { tls: true, caFile: join(dir, 'ca.pem') } : {}),
    ...(recipe ? { generate: recipe } : { users: file?.slice() ?? [] }),
  };
  // The simulator derives its users while this thread lays out its own: two cores, one wait.
  const starting = startSimProcess(launch, opts.log);
  let proc: Awaited<ReturnType<typeof startSimProcess>>;
  let users: UserTableData;
  try {
    users = recipe ? generateUserTable({ ...recipe, seed: t.seed }) : buildUserTable(file ?? []);
  } catch (err) {
    await starting.then((p) => p.stop()).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  try {
    proc = await starting;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const { ready } = proc;
  const ca = ready.caFile ? await readFile(ready.caFile, 'utf8') : undefined;
  // The simulator has read its agents and written its CA: nothing needs the folder now, and a harness
  // killed with kill -9 must not leave it behind.
  await rm(dir, { recursive: true, force: true });
  const admin = new SimAdmin(ready.url, ready.adminToken, ca);
  return {
    kind: 'sim',
    url: ready.url,
    tenant: ready.tenant,
    request: {
      origin: ready.url,
      tokenPath: `/${ready.tenant}/oauth2/v2.0/token`,
      clientId: ready.clientId,
      scope: 'openid profile offline_access',
      ...(secret === undefined ? {} : { clientSecret: secret }),
      ...(ca ? { ca } : {}),
    },
    users,
    agents: profile.agents.list,
    applyEvent: (event) => applySimEvent(admin, event),
    // A simulator that died mid-run stops the run (as failed, saying so) instead of filling it with errors.
    stopReason: () => proc.died(),
    close: () => proc.stop(),
  };
}

/** The tenant's behaviour as the profile sets it; every field of the launch spec the simulator has a default for. */
function behaviour(t: SimTarget): Partial<SimLaunch> {
  return {
    ptaTimeoutMs: t.ptaTimeoutMs,
    ...(t.queueTimeoutMs === undefined ? {} : { queueTimeoutMs: t.queueTimeoutMs }),
    detectionDelayMs: t.detectionDelayMs,
    lateAnswerCode: t.lateAnswerCode,
    lockout: t.lockout,
    ...(t.onPremLockout ? { onPremLockout: t.onPremLockout } : {}),
    ...(t.requestLoop ? { requestLoop: t.requestLoop } : {}),
    ipBlock: t.ipBlock,
    ...(t.inject ? { inject: t.inject } : {}),
    ...(t.agentHeader ? {} : { omitAgentHeader: true }),
    ...(t.directory.concurrency > 0
      ? { directory: { concurrency: t.directory.concurrency, serviceTimeMs: t.directory.bindTimeMs } }
      : {}),
  };
}

/**
 * A confidential app's secret, read from the environment variable the profile names (the profile never holds
 * it). The simulator gets it through its launch pipe, the workers in memory: it reaches no file or log.
 */
function clientSecret(t: SimTarget, env: NodeJS.ProcessEnv): string | undefined {
  if (t.clientSecretEnv === undefined) return undefined;
  const secret = env[t.clientSecretEnv];
  if (!secret) {
    throw new TargetError(
      'TARGET_MISCONFIGURED',
      `target.clientSecretEnv names the environment variable ${t.clientSecretEnv}, but it is not set or empty: export any secret in it (the simulated app is registered with that secret and the run sends it), or remove clientSecretEnv to sign in as a public client.`,
    );
  }
  return secret;
}

async function applySimEvent(admin: SimAdmin, event: TimelineEvent): Promise<AppliedEvent> {
  try {
    const { status, json } = await call(admin, event);
    const agents = affectedAgents(json);
    if (status >= 400) {
      return {
        ok: false,
        error: `simulator answered ${status}: ${JSON.stringify(json).slice(0, 300)}`,
        agents,
      };
    }
    return { ok: true, agents, detail: { status } };
  } catch (err) {
    return { ok: false, error: `admin API unreachable: ${(err as Error).message}`, agents: [] };
  }
}

function call(admin: SimAdmin, event: TimelineEvent) {
  const e = encodeURIComponent;
  switch (event.action) {
    case 'add':
      return admin.call('POST', '/_sim/agents', event.agent);
    case 'remove':
      return admin.call('DELETE', `/_sim/agents/${e(event.agent)}?mode=${event.mode}`);
    case 'degrade':
      return admin.call('POST', `/_sim/agents/${e(event.agent)}/degrade`, {
        slowFactor: event.slowFactor,
        errorRate: event.errorRate,
      });
    case 'restore':
      return admin.call('POST', `/_sim/agents/${e(event.agent)}/restore`);
    case 'fail-site':
      return admin.call('POST', `/_sim/sites/${e(event.site)}/fail?mode=${event.mode}`);
    case 'restore-site':
      return admin.call('POST', `/_sim/sites/${e(event.site)}/restore`);
  }
}

function affectedAgents(json: unknown): string[] {
  if (json && typeof json === 'object') {
    const o = json as { agent?: { name?: string }; agents?: { name?: string }[] };
    if (o.agent?.name) return [o.agent.name];
    if (Array.isArray(o.agents)) return o.agents.flatMap((a) => (a.name ? [a.name] : []));
  }
  return [];
}
