/**
 * A whole run with a million users, as a user starts it: the built CLI in a process of its own, once with
 * generated users (the embedded simulator) and once with a users CSV (the entra target against a simulator
 * standing in for the tenant, in this process). Reports the time from spawning the process to the run's time
 * zero (the first sign-in's intended start) and the peak RSS of the ptaload process itself (its own VmHWM,
 * worker threads included; the simulator's child process is reported apart). Interleaved rounds,
 * medians. Knobs: BENCH_USERS_1M (1000000), BENCH_ROUNDS (3).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSim } from '../../src/sim/server.js';
import { generateUserColumns } from '../../src/users/generate.js';
import type { BenchResult } from './run.js';

const BUILT = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const TENANT = '8eaef023-2b34-4da1-9baa-8bc8c9d6a490';
const CLIENT = '2c8ef0a2-1f87-4a57-9f1c-6b5a0d2c41aa';
const DOMAIN = 'contoso.test';
const SEED = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Loaded with --import into the run (and, through execArgv, its simulator): each process writes its own peak.
 * The kernel's high-water mark of the process's own memory (VmHWM) rather than getrusage's maxRSS: Linux carries
 * maxRSS across fork and exec, so a child spawned by a bench process grown large (after the soak, say) would
 * report the bench's size instead of its own.
 */
const PRELOAD = `import { appendFileSync, readFileSync } from 'node:fs';
const out = process.env.PTALOAD_BENCH_RSS;
const peakKb = () => {
  const hwm = /^VmHWM:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS;
};
if (out) process.on('exit', () => appendFileSync(out, process.pid + ' ' + peakKb() + '\\n'));
`;

interface Trial {
  readonly toZeroMs: number;
  readonly peakMb: number;
  readonly childPeakMb: number;
}

async function trial(dir: string, profile: string, round: number): Promise<Trial> {
  const out = join(dir, `results-${round}-${profile.replace(/\W/g, '')}`);
  const rssFile = join(dir, `rss-${round}`);
  await writeFile(rssFile, '');
  const spawnedAt = Date.now();
  const child = spawn(
    process.execPath,
    ['--import', join(dir, 'peak-rss.mjs'), BUILT, 'run', join(dir, profile), '--out', out, '--quiet'],
    {
      env: {
        ...process.env,
        PTALOAD_DEBUG: '',
        PTALOAD_BENCH_RSS: rssFile,
        HTTPS_PROXY: '',
        https_proxy: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`users-1m: ${profile} exited ${code}: ${stderr}`);
  const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as { startEpochMs: number };
  const peaks = (await readFile(rssFile, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number]);
  const own = peaks.find(([pid]) => pid === child.pid)?.[1] ?? Number.NaN;
  const others = peaks.filter(([pid]) => pid !== child.pid).map(([, kb]) => kb);
  await rm(out, { recursive: true, force: true });
  return {
    toZeroMs: run.startEpochMs - spawnedAt,
    peakMb: own / 1024,
    childPeakMb: others.length > 0 ? Math.max(...others) / 1024 : 0,
  };
}

export async function benchUsers1m(): Promise<BenchResult> {
  const count = Number(process.env.BENCH_USERS_1M ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const dir = await mkdtemp(join(tmpdir(), 'ptaload-bench-users-1m-'));
  // The tenant's stand-in derives the same users from the seed; the CSV holds them (throwaway passwords,
  // in a private temporary folder removed at the end).
  const sim = await startSim({
    tls: true,
    caFile: join(dir, 'ca.pem'),
    tenant: TENANT,
    clientId: CLIENT,
    domain: DOMAIN,
    seed: SEED,
    generate: { count, domain: DOMAIN },
    agents: [
      { name: 'agent-1', cores: 4 },
      { name: 'agent-2', cores: 4 },
    ],
  });
  try {
    const made = generateUserColumns({ count, domain: DOMAIN, seed: SEED });
    const lines = ['username,password,state'];
    for (let i = 0; i < made.count; i++) lines.push(`${made.username(i)},${made.password(i)},active`);
    await writeFile(join(dir, 'users.csv'), `${lines.join('\n')}\n`, { mode: 0o600 });
    lines.length = 0;
    await writeFile(join(dir, 'peak-rss.mjs'), PRELOAD);
    const load = `load:
  workers: 2
  interval: 1s
  phases:
    - { name: steady, duration: 1s, shape: constant, rate: 20/s }
`;
    await writeFile(
      join(dir, 'generated.yaml'),
      `name: users-1m-generated\ntarget: { kind: sim }\nusers: { generate: ${count} }\nagents: { count: 2 }\n${load}`,
    );
    await writeFile(
      join(dir, 'csv.yaml'),
      `name: users-1m-csv
target:
  kind: entra
  tenant: ${TENANT}
  clientId: ${CLIENT}
  authorityHost: ${sim.url}
  ca: ./ca.pem
users: { file: users.csv, wrongPasswordShare: 0 }
${load}`,
    );
    const trials: Record<string, Trial[]> = { generated: [], csv: [] };
    for (let r = 0; r < rounds; r++) {
      for (const name of Object.keys(trials)) trials[name]!.push(await trial(dir, `${name}.yaml`, r));
    }
    const figure = (name: string, key: keyof Trial) => median(trials[name]!.map((t) => t[key]));
    const figures = {
      users: count,
      generatedToZeroMs: figure('generated', 'toZeroMs'),
      generatedPeakMb: figure('generated', 'peakMb'),
      generatedSimPeakMb: figure('generated', 'childPeakMb'),
      csvToZeroMs: figure('csv', 'toZeroMs'),
      csvPeakMb: figure('csv', 'peakMb'),
    };
    const each = (name: string) =>
      trials[name]!.map((t) => `${(t.toZeroMs / 1000).toFixed(2)} s / ${t.peakMb.toFixed(0)} MB`).join(', ');
    return {
      name: 'users-1m',
      figures,
      text: [
        `${count} users, a 1-s run at 20/s with 2 workers, median of ${rounds} interleaved rounds; from spawning the`,
        'process to time zero, and the peak RSS of the ptaload process:',
        `generated (sim): ${(figures.generatedToZeroMs / 1000).toFixed(2)} s, ${figures.generatedPeakMb.toFixed(0)} MB (the simulator's own process ${figures.generatedSimPeakMb.toFixed(0)} MB); rounds ${each('generated')}`,
        `users CSV (entra target): ${(figures.csvToZeroMs / 1000).toFixed(2)} s, ${figures.csvPeakMb.toFixed(0)} MB; rounds ${each('csv')}`,
      ].join('\n'),
    };
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
