/**
 * The simulator's maximum ROPC rate in one process. The sim runs in a child process (so the load
 * generator never shares its event loop) with 40 agents of huge capacity, so the agent model is not
 * the limit: what is measured is HTTP handling, the ordered checks, the dispatcher and token minting.
 * autocannon drives it on loopback with valid ROPC bodies for 200 users (every reply a 200 + tokens).
 *
 * On a small shared machine the load generator and the server compete for the same cores, so the
 * same run also measures a bare node:http server sending a reply of the same size (the ceiling any
 * Node server reaches here), and the sim's CPU time per sign-in (what it would do with a core to itself).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/targets/sim/sim-process.js';
import { generateUsers } from '../../src/users/generate.js';
import { lineReader } from './child.js';

interface AutocannonResult {
  readonly requests: { readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly duration: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}
interface AutocannonRequest {
  readonly method: 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

// autocannon ships no type declarations; this is the slice of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const src = (path: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${path}`, import.meta.url)));
const DOMAIN = 'bench.test';
const SEED = 'bench';
const USERS = 200;
const WARMUP_S = 2;
const MEASURE_S = 5;
const ROUNDS = 2;
const CONNECTIONS = [64, 256];

/** Prints its CPU time (µs) whenever a line arrives on stdin. */
const CPU_PROBE = `
process.stdin.setEncoding('utf8').on('data', () => {
  const c = process.cpuUsage();
  process.stdout.write(JSON.stringify({ cpuUs: c.user + c.system }) + '\\n');
});
process.on('SIGTERM', () => process.exit(0));
`;

/** The sim with generated users and 40 agents far faster than any load here. */
const SIM_CHILD = `
const { startSim } = await import(${src('sim/server.ts')});
const { generateUsers } = await import(${src('users/generate.ts')});
const sim = await startSim({
  domain: ${JSON.stringify(DOMAIN)},
  users: generateUsers({ count: ${USERS}, domain: ${JSON.stringify(DOMAIN)}, seed: ${JSON.stringify(SEED)} }),
  agents: Array.from({ length: 40 }, (_, i) => ({ name: 'agent-' + (i + 1), cores: 64, capacity: 10_000_000 })),
  seed: 1,
});
process.stdout.write(JSON.stringify({ url: sim.url, tenant: sim.tenant, clientId: sim.clientId }) + '\\n');
${CPU_PROBE}`;

/** A bare node:http server answering every POST at once with a body as long as the sim's. */
const BASELINE_CHILD = `
const { createServer } = await import('node:http');
const body = JSON.stringify({ token_type: 'Bearer', access_token: 'x'.repeat(BYTES) });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-ms-request-id': 'x', 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ptaload-agent': 'agent-1' });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port, tenant: 'common', clientId: 'x' }) + '\\n');
});
${CPU_PROBE}`;

interface Ready {
  readonly url: string;
  readonly tenant: string;
  readonly clientId: string;
}

interface Measured {
  readonly rate: number;
  readonly cpuUsPerRequest: number;
  readonly failed: number;
  readonly p99: number;
}

export async function benchSim(): Promise<{ name: string; figures: Record<string, number>; text: string }> {
  const sim = await start(SIM_CHILD);
  const baseline = await start(BASELINE_CHILD.replace('BYTES', String(Math.max(0, sim.bodyBytes - 40))));
  try {
    // Other work on a shared machine comes and goes: alternate the two servers and keep each one's best.
    const best = new Map<string, Measured>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const connections of CONNECTIONS) {
        for (const [name, server] of [
          ['sim', sim],
          ['baseline', baseline],
        ] as const) {
          const m = await server.measure(connections);
          const key = `${name}@${connections}`;
          const prev = best.get(key);
          if (prev === undefined || (m.failed === 0 && m.rate > prev.rate)) best.set(key, m);
        }
      }
    }
    const figures: Record<string, number> = {};
    const lines: string[] = [];
    for (const c of CONNECTIONS) {
      const s = best.get(`sim@${c}`)!;
      const b = best.get(`baseline@${c}`)!;
      figures[`ropc_per_s_c${c}`] = s.failed === 0 ? s.rate : 0;
      figures[`baseline_per_s_c${c}`] = b.rate;
      figures[`sim_cpu_us_c${c}`] = round1(s.cpuUsPerRequest);
      lines.push(
        `  ${c} connections: sim ${fmt(s.rate)}/s (p99 ${s.p99} ms, ${s.failed} not 200, ${s.cpuUsPerRequest.toFixed(1)} µs CPU each)` +
          ` | bare node:http ${fmt(b.rate)}/s (${b.cpuUsPerRequest.toFixed(1)} µs CPU each)`,
      );
    }
    const simRuns = CONNECTIONS.map((c) => best.get(`sim@${c}`)!);
    const simCpu = Math.min(...simRuns.map((r) => r.cpuUsPerRequest));
    figures.max_ropc_per_s = Math.max(...CONNECTIONS.map((c) => figures[`ropc_per_s_c${c}`]!));
    figures.baseline_max_per_s = Math.max(...CONNECTIONS.map((c) => figures[`baseline_per_s_c${c}`]!));
    figures.sim_cpu_us_per_signin = round1(simCpu);
    figures.sim_one_core_ceiling_per_s = Math.round(1e6 / simCpu);
    figures.reply_bytes = sim.bodyBytes;
    const text =
      `sim max ROPC rate: ${fmt(figures.max_ropc_per_s)}/s (bare node:http with a ${sim.bodyBytes}-byte reply: ` +
      `${fmt(figures.baseline_max_per_s)}/s; ${cpus().length} CPUs shared by server and autocannon; best of ${ROUNDS} ` +
      `alternating rounds of ${MEASURE_S} s). Sim CPU per sign-in ${simCpu.toFixed(1)} µs, i.e. ` +
      `${fmt(figures.sim_one_core_ceiling_per_s)}/s with a core to itself.\n${lines.join('\n')}`;
    return { name: 'sim', figures, text };
  } finally {
    await Promise.all([sim.stop(), baseline.stop()]);
  }
}

interface Server {
  readonly bodyBytes: number;
  measure(connections: number): Promise<Measured>;
  stop(): Promise<void>;
}

/** Starts a server child, checks its reply size and warms it up. */
async function start(program: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = lineReader(child);
  const cpu = async () => {
    child.stdin?.write('cpu\n');
    return (JSON.parse(await lines()) as { cpuUs: number }).cpuUs;
  };
  try {
    const ready = JSON.parse(await lines()) as Ready;
    const requests = signIns(ready);
    const probe = await fetch(new URL(requests[0]!.path, ready.url), requests[0]!);
    const bodyBytes = (await probe.arrayBuffer()).byteLength;
    await autocannon({ url: ready.url, connections: 32, duration: WARMUP_S, requests });
    return {
      bodyBytes,
      async measure(connections) {
        const before = await cpu();
        const r = await autocannon({ url: ready.url, connections, duration: MEASURE_S, requests });
        const after = await cpu();
        return {
          rate: Math.round(r.requests.total / r.duration),
          cpuUsPerRequest: (after - before) / Math.max(1, r.requests.total),
          failed: r.non2xx + r.errors + r.timeouts,
          p99: r.latency.p99,
        };
      },
      stop: () => stopChild(child),
    };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

function signIns(ready: Ready): AutocannonRequest[] {
  return generateUsers({ count: USERS, domain: DOMAIN, seed: SEED }).map((u) => ({
    method: 'POST',
    path: `/${ready.tenant}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: ready.clientId,
      scope: 'openid profile offline_access',
      username: u.username,
      password: u.password,
      grant_type: 'password',
    }).toString(),
  }));
}

const fmt = (n: number) => n.toLocaleString('en');
const round1 = (n: number) => Math.round(n * 10) / 10;
