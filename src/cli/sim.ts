import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { PtaloadError, UsageError } from '../errors.js';
import { DURATION_HINT, formatDuration, parseDurationMs } from '../profile/quantities.js';
import { readProfileSource } from '../profile/source.js';
import {
  agentsFileSchema,
  defaultAgents,
  type SimAgentSpec,
  type VersionProfile,
} from '../protocol/agent-spec.js';
import type { TestUser } from '../protocol/test-user.js';
import { DEFAULTS, type SimOptions } from '../sim/options.js';
import { serveUntilSignal } from '../sim/serve.js';
import { readUsersFile } from '../users/csv.js';
import { generateUsers, MAX_GENERATED_USERS } from '../users/generate.js';
import { action } from './fail.js';
import { intInRange } from './flags.js';

interface SimFlags {
  host: string;
  port: number;
  tenant?: string;
  domain?: string;
  clientId?: string;
  agents?: number;
  agentsFile?: string;
  users?: string;
  generateUsers?: number;
  seed?: string;
  tls?: boolean;
  caOut?: string;
  adminToken?: string;
  ptaTimeout?: number;
  queueTimeout?: number;
  detectionDelay?: number;
  lockoutThreshold?: number;
  lockoutDuration?: number;
  lockoutGrowth?: number;
  directoryConcurrency?: number;
  directoryTime?: number;
  lockoutHashTracking?: boolean;
  onpremLockoutThreshold?: number;
  onpremLockoutWindow?: number;
  onpremLockoutDuration?: number;
  requestLoopThreshold?: number;
  requestLoopWindow?: number;
  ipBlock?: boolean;
  inject?: string;
  lateAnswerCode?: number;
  clientSecretEnv?: string;
  secretExpired?: boolean;
}

export function register(program: Command): void {
  program
    .command('sim')
    .description(
      'Run the simulated Entra ID tenant with PTA agents. Prints one JSON line on stdout when ready ' +
        '({url, tenant, domain, clientId, adminToken, caFile}); logs go to stderr; SIGTERM or Ctrl-C stops it.',
    )
    .option('--host <host>', 'address to listen on', DEFAULTS.host)
    .option('--port <port>', 'port to listen on (0 = any free port)', intInRange('--port', 0, 65535), 0)
    .option('--tenant <guid>', 'tenant id (default: a random GUID)')
    .option('--domain <domain>', `verified domain (default: the users' domain, else ${DEFAULTS.domain})`)
    .option('--client-id <guid>', 'application (client) id the ROPC requests must use (default: random)')
    .option(
      '--agents <n>',
      `number of 4-core agents agent-1..N (default ${DEFAULTS.agents})`,
      intInRange('--agents', 0, 1000),
    )
    .option(
      '--agents-file <file>',
      'agents as a JSON/YAML list of {name, cores, capacity, version, site}, or {agents, versions}',
    )
    .option('--users <file>', 'users CSV: username,password[,state]')
    .option(
      '--generate-users <n>',
      'make N users from --seed and --domain',
      intInRange('--generate-users', 1, MAX_GENERATED_USERS),
    )
    .option('--seed <seed>', 'seeds service times, dispatch and generated users (default: random)')
    .option('--tls', 'serve HTTPS with a self-signed certificate made at start')
    .option('--ca-out <path>', 'where to write the CA certificate PEM with --tls (default: a temp file)')
    .option('--admin-token <token>', 'bearer token of the /_sim/ admin API (default: random)')
    .option(
      '--pta-timeout <duration>',
      `how long Entra waits for an agent to answer before 80002 (unconfirmed; default ${formatDuration(DEFAULTS.ptaTimeoutMs)})`,
      duration('--pta-timeout'),
    )
    .option(
      '--queue-timeout <duration>',
      'how long a request waits for an agent to take it (unconfirmed; default half of --pta-timeout)',
      duration('--queue-timeout'),
    )
    .option(
      '--detection-delay <duration>',
      `how long a crashed agent is still handed requests (unconfirmed; default ${formatDuration(DEFAULTS.detectionDelayMs)})`,
      duration('--detection-delay'),
    )
    .option(
      '--lockout-threshold <n>',
      `wrong passwords before smart lockout (default ${DEFAULTS.lockout.threshold})`,
      intInRange('--lockout-threshold', 1, 1000),
    )
    .option(
      '--lockout-duration <duration>',
      `first lockout length (default ${formatDuration(DEFAULTS.lockout.durationMs)})`,
      duration('--lockout-duration'),
    )
    .option(
      '--lockout-growth <factor>',
      `each repeat lockout lasts this many times longer (default ${DEFAULTS.lockout.growth})`,
      factor('--lockout-growth'),
    )
    .option(
      '--directory-concurrency <n>',
      'concurrent logon calls the domain controllers take (default unlimited)',
      intInRange('--directory-concurrency', 1, 100_000),
    )
    .option(
      '--directory-time <duration>',
      `mean time of one logon call at the DC (with --directory-concurrency; default ${formatDuration(DEFAULTS.directoryTimeMs)})`,
      duration('--directory-time'),
    )
    .option(
      '--lockout-hash-tracking',
      'do not count a repeat of a recent wrong password (password hash sync; with PTA every wrong password counts)',
    )
    .option(
      '--onprem-lockout-threshold <n>',
      'on-prem AD lockout: bad passwords that lock the AD account (default: no AD lockout)',
      intInRange('--onprem-lockout-threshold', 1, 1000),
    )
    .option(
      '--onprem-lockout-window <duration>',
      `AD's 'reset account lockout counter after' (default ${formatDuration(DEFAULTS.onPremLockout.windowMs)})`,
      duration('--onprem-lockout-window'),
    )
    .option(
      '--onprem-lockout-duration <duration>',
      `how long AD keeps the account locked (default ${formatDuration(DEFAULTS.onPremLockout.durationMs)})`,
      duration('--onprem-lockout-duration'),
    )
    .option(
      '--request-loop-threshold <n>',
      'AADSTS50196 when one user signs in more often than this per --request-loop-window (default: off)',
      intInRange('--request-loop-threshold', 1, 1_000_000),
    )
    .option(
      '--request-loop-window <duration>',
      `the window of --request-loop-threshold (default ${formatDuration(DEFAULTS.requestLoop.windowMs)})`,
      duration('--request-loop-window'),
    )
    .option('--ip-block', 'answer every sign-in 50053, as Entra does for an IP it finds malicious')
    .option(
      '--inject <code:share>',
      'answer this share of sign-ins with an AADSTS code of the table, e.g. 90055:0.05 (also POST /_sim/inject)',
    )
    .option(
      '--late-answer-code <code>',
      'what an agent answer after the PTA timeout gives the client: 80002 (default) or 80014',
      intInRange('--late-answer-code', 80002, 80014),
    )
    .option(
      '--client-secret-env <name>',
      'make the app confidential, with the client secret read from this environment variable',
    )
    .option('--secret-expired', 'with --client-secret-env: the secret has expired (7000222)')
    .action(action((flags: SimFlags) => runSim(flags)));
}

async function runSim(flags: SimFlags): Promise<number> {
  if (flags.agents !== undefined && flags.agentsFile !== undefined) {
    throw new UsageError('give either --agents N or --agents-file FILE, not both.');
  }
  if (flags.users !== undefined && flags.generateUsers !== undefined) {
    throw new UsageError('give either --users FILE or --generate-users N, not both.');
  }
  if (
    flags.lateAnswerCode !== undefined &&
    flags.lateAnswerCode !== 80002 &&
    flags.lateAnswerCode !== 80014
  ) {
    throw new UsageError(`--late-answer-code must be 80002 or 80014, got ${flags.lateAnswerCode}.`);
  }
  const app = appRegistration(flags);
  const seed = flags.seed ?? randomInt(1, 2 ** 31);
  const log = (line: string) => process.stderr.write(`sim: ${line}\n`);
  const users = await loadUsers(flags, seed);
  const { agents, versions } = flags.agentsFile
    ? await readAgentsFile(flags.agentsFile)
    : { agents: defaultAgents(flags.agents ?? DEFAULTS.agents), versions: {} };

  const options: SimOptions = {
    host: flags.host,
    port: flags.port,
    ...(flags.tenant ? { tenant: flags.tenant } : {}),
    ...(flags.domain ? { domain: flags.domain } : {}),
    ...(flags.clientId ? { clientId: flags.clientId } : {}),
    ...(flags.adminToken ? { adminToken: flags.adminToken } : {}),
    ...(flags.caOut ? { caFile: flags.caOut } : {}),
    ...(flags.directoryConcurrency
      ? {
          directory: {
            concurrency: flags.directoryConcurrency,
            serviceTimeMs: flags.directoryTime ?? DEFAULTS.directoryTimeMs,
          },
        }
      : {}),
    agents,
    versions,
    users,
    tls: flags.tls ?? false,
    seed,
    ptaTimeoutMs: flags.ptaTimeout ?? DEFAULTS.ptaTimeoutMs,
    ...(flags.queueTimeout === undefined ? {} : { queueTimeoutMs: flags.queueTimeout }),
    detectionDelayMs: flags.detectionDelay ?? DEFAULTS.detectionDelayMs,
    lockout: {
      threshold: flags.lockoutThreshold ?? DEFAULTS.lockout.threshold,
      durationMs: flags.lockoutDuration ?? DEFAULTS.lockout.durationMs,
      growth: flags.lockoutGrowth ?? DEFAULTS.lockout.growth,
      hashTracking: flags.lockoutHashTracking ?? DEFAULTS.lockout.hashTracking,
    },
    ...(flags.onpremLockoutThreshold
      ? {
          onPremLockout: {
            threshold: flags.onpremLockoutThreshold,
            windowMs: flags.onpremLockoutWindow ?? DEFAULTS.onPremLockout.windowMs,
            durationMs: flags.onpremLockoutDuration ?? DEFAULTS.onPremLockout.durationMs,
          },
        }
      : {}),
    ...(flags.requestLoopThreshold
      ? {
          requestLoop: {
            threshold: flags.requestLoopThreshold,
            windowMs: flags.requestLoopWindow ?? DEFAULTS.requestLoop.windowMs,
          },
        }
      : {}),
    ipBlock: flags.ipBlock ?? false,
    ...(flags.inject === undefined ? {} : { inject: injectFlag(flags.inject) }),
    lateAnswerCode: flags.lateAnswerCode === 80014 ? 80014 : 80002,
    app,
  };
  return serveUntilSignal(options, log, () => {
    if (users.length === 0) {
      log('no users loaded: pass --users FILE or --generate-users N, or POST them to /_sim/users');
    }
  });
}

/** The app registration: public unless a secret's environment variable is named (the secret never on the command line). */
function appRegistration(flags: SimFlags): SimOptions['app'] {
  if (flags.clientSecretEnv === undefined) {
    if (flags.secretExpired) throw new UsageError('--secret-expired needs --client-secret-env NAME.');
    return { type: 'public' };
  }
  const secret = process.env[flags.clientSecretEnv];
  if (!secret) {
    throw new UsageError(
      `--client-secret-env ${flags.clientSecretEnv}: that environment variable is empty or not set; export the client secret in it first.`,
    );
  }
  return { type: 'confidential', secret, secretExpired: flags.secretExpired ?? false };
}

async function loadUsers(flags: SimFlags, seed: number | string): Promise<readonly TestUser[]> {
  if (flags.users) return readUsersFile(flags.users);
  if (flags.generateUsers) {
    return generateUsers({ count: flags.generateUsers, domain: flags.domain ?? DEFAULTS.domain, seed });
  }
  return [];
}

/** Reads an agents file (JSON or YAML) into specs, naming `file:line` and the field on any problem. */
async function readAgentsFile(
  file: string,
): Promise<{ agents: SimAgentSpec[]; versions: Record<string, VersionProfile> }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new UsageError(`cannot read agents file ${file}: ${why}. Check the path given to --agents-file.`);
  }
  if (text.trim() === '') {
    throw new UsageError(
      `${file}: the agents file is empty; write a list like [{"name": "agent-1", "cores": 4}].`,
    );
  }
  let source: ReturnType<typeof readProfileSource>;
  try {
    source = readProfileSource(text, file);
  } catch (err) {
    throw err instanceof PtaloadError ? new UsageError(err.message) : err;
  }
  const parsed = agentsFileSchema.safeParse(source.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const line = source.lineOf(issue.path);
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new UsageError(
      `${file}${line ? `:${line}` : ''}: ${field ? `${field.replace(/^\./, '')}: ` : ''}${issue.message}. ` +
        'An agents file is a list of {name, cores?, capacity?, version?, site?, slowFactor?, errorRate?} ' +
        'or {agents: [...], versions: {"<label>": {slowFactor?, errorRate?}}}.',
    );
  }
  const value = parsed.data;
  const agents = Array.isArray(value) ? value : value.agents;
  const versions = Array.isArray(value) ? {} : (value.versions ?? {});
  const seen = new Set<string>();
  for (const [i, a] of agents.entries()) {
    if (seen.has(a.name)) {
      const line = source.lineOf(Array.isArray(value) ? [i] : ['agents', i]);
      throw new UsageError(
        `${file}${line ? `:${line}` : ''}: agent name '${a.name}' is used twice; names must be unique.`,
      );
    }
    seen.add(a.name);
  }
  return { agents, versions };
}

function duration(flag: string): (value: string) => number {
  return (value) => {
    const ms = parseDurationMs(value);
    if (ms === undefined) throw new InvalidArgumentError(`${flag} takes ${DURATION_HINT}, got '${value}'.`);
    return ms;
  };
}

function factor(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 1 || n > 100) {
      throw new InvalidArgumentError(`${flag} takes a number from 1 to 100, got '${value}'.`);
    }
    return n;
  };
}

/** `--inject 90055:0.05`: the code and the share (0..1); the sim checks the code against its table. */
function injectFlag(text: string): { code: number; share: number } {
  const m = /^(\d+):(\d*\.?\d+)$/.exec(text.trim());
  const share = m ? Number(m[2]) : Number.NaN;
  if (!m || !(share >= 0 && share <= 1)) {
    throw new UsageError(
      `--inject must be CODE:SHARE with a share from 0 to 1, e.g. 90055:0.05; got '${text}'.`,
    );
  }
  return { code: Number(m[1]), share };
}
