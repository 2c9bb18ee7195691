/**
 * The ceiling scenario: a tenant at 40 agents × ~400/s ≈ 16,000 sign-ins/s, each answered after 100 ms,
 * over TLS. ptaload runs it open-model (uniform arrivals, so the arrival number says when each was due)
 * in interleaved repetitions; the endpoint measures slip on the wire, ptaload measures latency from the
 * intended start, which should sit at the true 100 ms.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArrivalSchedule } from '../../src/load/schedule/arrival-schedule.js';
import { stopChild } from '../../src/targets/sim/sim-process.js';
import { lineReader } from './child.js';
import { median } from './generator.js';
import { ptaloadTrial, round3, type Trial } from './ptaload-trial.js';

const RATE = Number(process.env.BENCH_CEILING_RATE ?? 16_000);
const SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CEILING_CONNECTIONS ?? 2048);
const WARMUP_S = Number(process.env.BENCH_CEILING_WARMUP_SECONDS ?? 3);
const DELAY_MS = 100;

interface Endpoint {
  readonly origin: string;
  readonly ca: string;
  /** Schedule slip on the wire of the trial's judged part: arrival at the endpoint − intended start. */
  slip(t: Trial): Promise<{ received: number; p50: number; p99: number; max: number }>;
  stop(): Promise<void>;
}

async function startSlowEndpoint(): Promise<Endpoint> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./slow-endpoint.ts', import.meta.url)),
      String(DELAY_MS),
      String(RATE * (SECONDS + WARMUP_S + 2)),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const next = lineReader(child);
  const [port, caFile] = (await next()).split(' ');
  return {
    origin: `https://127.0.0.1:${port}`,
    ca: await readFile(caFile!, 'utf8'),
    async slip(t) {
      const file = join(await mkdtemp(join(tmpdir(), 'ptaload-slip-')), 'arrived.f64');
      child.stdin?.write(`dump ${file}\n`);
      await next();
      const bytes = await readFile(file);
      const arrived = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
      // Uniform arrivals: the arrival number is the global index, so the schedule says when each was due.
      const schedule = new ArrivalSchedule(t.phases, { arrivals: 'uniform', seed: 1 });
      const slips: number[] = [];
      for (
        let k = 0, due = schedule.next();
        due !== undefined && k < arrived.length;
        k++, due = schedule.next()
      ) {
        if (due < t.judgedFromMs || Number.isNaN(arrived[k]!)) continue;
        slips.push(arrived[k]! - (t.startEpochMs + due));
      }
      slips.sort((a, b) => a - b);
      const q = (p: number) =>
        slips.length ? slips[Math.min(slips.length - 1, Math.floor(p * slips.length))]! : 0;
      return { received: slips.length, p50: q(0.5), p99: q(0.99), max: q(1) };
    },
    stop: () => stopChild(child),
  };
}

export async function benchCeiling(): Promise<{
  name: string;
  figures: Record<string, number>;
  text: string;
}> {
  const endpoint = await startSlowEndpoint();
  const rows: string[] = [];
  const ratios: number[] = [];
  const slips: number[] = [];
  const lates: number[] = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const workers of [1, 2]) {
        const t = await ptaloadTrial({
          origin: endpoint.origin,
          ca: endpoint.ca,
          rate: RATE,
          seconds: SECONDS,
          warmupSeconds: WARMUP_S,
          workers,
          connections: CONNECTIONS,
        });
        const slip = await endpoint.slip(t);
        if (workers === 2) {
          ratios.push(t.achievedRatio);
          slips.push(slip.p99);
          lates.push(t.lateShare);
          p50s.push(t.p50Ms);
          p99s.push(t.p99Ms);
        }
        rows.push(
          `round ${round}, ${workers} worker(s): achieved/scheduled ${t.achievedRatio.toFixed(3)}, late ${(t.lateShare * 100).toFixed(2)} %, ` +
            `saturated ${t.saturated}, slip on the wire p50 ${slip.p50.toFixed(2)} ms p99 ${slip.p99.toFixed(2)} ms max ${slip.max.toFixed(1)} ms, ` +
            `latency p50 ${t.p50Ms.toFixed(1)} ms p99 ${t.p99Ms.toFixed(1)} ms (true ${DELAY_MS} ms), CPU ${t.cpuUsPerSignIn.toFixed(1)} µs/sign-in`,
        );
      }
    }
    const figures = {
      ratePerS: RATE,
      achievedRatioMedian: round3(median(ratios)),
      lateShareMedian: round3(median(lates)),
      slipP99MsMedian: round3(median(slips)),
      p50MsMedian: round3(median(p50s)),
      p99MsMedian: round3(median(p99s)),
    };
    const text = [
      `https, target answers after ${DELAY_MS} ms, ${RATE}/s for ${SECONDS} s after a ${WARMUP_S} s ramp (not judged), ${CONNECTIONS} connections, ${ROUNDS} rounds of 1 and 2 workers`,
      ...rows,
      `median (2 workers): achieved/scheduled ${figures.achievedRatioMedian}, late ${(figures.lateShareMedian * 100).toFixed(2)} %, slip p99 ${figures.slipP99MsMedian} ms, p50 ${figures.p50MsMedian} ms, p99 ${figures.p99MsMedian} ms`,
    ].join('\n');
    return { name: 'ceiling', figures, text };
  } finally {
    await endpoint.stop();
  }
}
