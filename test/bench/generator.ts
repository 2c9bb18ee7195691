/**
 * Raw speed, interleaved: in each round autocannon (and wrk when installed) and ptaload with 1 and 2 workers
 * take turns on the same trivial endpoint and body, so a busy shared machine slows them alike and the
 * ratios stay meaningful. ptaload is driven open-model *above* its capacity (1.5 × autocannon's rate of the
 * round): with bounded admission its throughput then holds at what it can sustain, which is the figure.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { autocannonRate, benchRequest } from './autocannon-rate.js';
import { startTrivialEndpoint } from './child.js';
import { ptaloadTrial, round3, type Trial } from './ptaload-trial.js';

const CONNECTIONS = 128;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export async function benchGenerator(): Promise<{
  name: string;
  figures: Record<string, number>;
  text: string;
}> {
  const { origin, stop } = await startTrivialEndpoint();
  const wrk = await hasWrk();
  const rows: string[] = [];
  const ratios1: number[] = [];
  const ratios2: number[] = [];
  const wrkRatios: number[] = [];
  const cpu1: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const cannon = await autocannonRate(origin, CONNECTIONS, SECONDS);
      const wrkRate = wrk ? await wrkRateOf(origin, SECONDS) : undefined;
      const overload = Math.round(cannon * 1.5);
      const one = await ptaloadTrial({
        origin,
        rate: overload,
        seconds: SECONDS + 1,
        workers: 1,
        connections: CONNECTIONS,
      });
      const two = await ptaloadTrial({
        origin,
        rate: overload,
        seconds: SECONDS + 1,
        workers: 2,
        connections: CONNECTIONS,
      });
      ratios1.push(one.achievedPerS / cannon);
      ratios2.push(two.achievedPerS / cannon);
      cpu1.push(one.cpuUsPerSignIn);
      if (wrkRate !== undefined) wrkRatios.push(one.achievedPerS / wrkRate);
      rows.push(
        `round ${round}: autocannon ${fmt(cannon)}/s${wrkRate !== undefined ? `, wrk ${fmt(wrkRate)}/s` : ''}; ` +
          `ptaload 1 worker ${describe(one, cannon)}; 2 workers ${describe(two, cannon)}`,
      );
    }
    const figures: Record<string, number> = {
      rounds: ROUNDS,
      ratio1WorkerVsAutocannonMedian: round3(median(ratios1)),
      ratio2WorkersVsAutocannonMedian: round3(median(ratios2)),
      cpuUsPerSignIn1WorkerMedian: round3(median(cpu1)),
      ...(wrkRatios.length ? { ratio1WorkerVsWrkMedian: round3(median(wrkRatios)) } : {}),
    };
    const text = [
      `trivial endpoint, ${CONNECTIONS} connections, ${SECONDS} s per turn, ${ROUNDS} interleaved rounds${wrk ? '' : ' (wrk not installed)'}`,
      ...rows,
      `median ptaload/autocannon: 1 worker ${figures.ratio1WorkerVsAutocannonMedian}×, 2 workers ${figures.ratio2WorkersVsAutocannonMedian}×` +
        (wrkRatios.length ? `; 1 worker / wrk ${figures.ratio1WorkerVsWrkMedian}×` : '') +
        `; ptaload CPU ${figures.cpuUsPerSignIn1WorkerMedian} µs per sign-in (1 worker, coordinator included)`,
    ].join('\n');
    return { name: 'generator', figures, text };
  } finally {
    await stop();
  }
}

function describe(t: Trial, cannon: number): string {
  return `${fmt(t.achievedPerS)}/s (${round3(t.achievedPerS / cannon)}×, ${fmt(t.saturated)} saturated, ${t.cpuUsPerSignIn.toFixed(1)} µs CPU each)`;
}

async function hasWrk(): Promise<boolean> {
  return promisify(execFile)('wrk', ['--version']).then(
    () => true,
    (err: NodeJS.ErrnoException & { stdout?: string }) =>
      err.code !== 'ENOENT' && /wrk/.test(err.stdout ?? ''),
  );
}

/** wrk posting the same body (a small Lua script sets method, headers and body). */
async function wrkRateOf(origin: string, seconds: number): Promise<number> {
  const ropc = benchRequest(origin);
  const flat = ropc.headers();
  const lua = [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(ropc.body('bench00001@contoso.test', 'Pa55word-bench!'))}`,
    ...Array.from(
      { length: flat.length / 2 },
      (_, i) => `wrk.headers[${JSON.stringify(flat[2 * i])}] = ${JSON.stringify(flat[2 * i + 1])}`,
    ),
  ].join('\n');
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const script = join(await mkdtemp(join(tmpdir(), 'ptaload-wrk-')), 'post.lua');
  await writeFile(script, lua);
  const { stdout } = await promisify(execFile)('wrk', [
    '-t2',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '-s',
    script,
    ropc.url,
  ]);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  return m ? Number(m[1]) : 0;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0
    ? 0
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
