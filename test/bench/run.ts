/**
 * `npm run bench`: whole benchmarks, never part of pass/fail tests. Each module exports one async function
 * returning its figures; this runner prints them and keeps a JSON copy in test/artifacts/bench.json.
 * `npm run bench -- sim generator` runs only those. Every comparison inside a benchmark is interleaved
 * (the contenders take turns in each round), so on a shared machine read the ratios, not the absolute
 * figures; the machine and its load average are printed before and after each benchmark.
 *
 * Knobs (environment): BENCH_SECONDS (5, per turn), BENCH_ROUNDS (3), BENCH_CEILING_RATE (16000),
 * BENCH_CEILING_SECONDS (8), BENCH_CEILING_WARMUP_SECONDS (3), BENCH_CEILING_CONNECTIONS (2048), BENCH_SOAK_SECONDS (90), BENCH_SOAK_RATE (2000),
 * BENCH_USERS (200000), BENCH_USERS_1M (1000000).
 * The default run takes about eight minutes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';

export interface BenchResult {
  readonly name: string;
  readonly figures: Record<string, number>;
  readonly text: string;
}

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  metrics: async () => (await import('./metrics.js')).benchMetrics(),
  transport: async () => (await import('./transport.js')).benchTransport(),
  sim: async () => (await import('./sim.js')).benchSim(),
  generator: async () => (await import('./generator.js')).benchGenerator(),
  'sweep-plan': async () => (await import('./sweep-plan.js')).benchSweepPlan(),
  ceiling: async () => (await import('./ceiling.js')).benchCeiling(),
  soak: async () => (await import('./soak.js')).benchSoak(),
  'users-start': async () => (await import('./users-start.js')).benchUsersStart(),
  'users-1m': async () => (await import('./users-1m.js')).benchUsers1m(),
};

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
console.log(`machine: ${machine}\nload average (1/5/15 min) at start: ${load()}`);
const loads: Record<string, { before: string; after: string }> = {};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const results: BenchResult[] = [];
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  const before = load();
  console.log(`\n== ${name}  (load average ${before})`);
  const result = await bench();
  results.push(result);
  loads[name] = { before, after: load() };
  console.log(result.text);
  console.log(`   (load average after: ${loads[name].after})`);
}
await mkdir(new URL('../artifacts/', import.meta.url), { recursive: true });
await writeFile(
  new URL('../artifacts/bench.json', import.meta.url),
  `${JSON.stringify({ node: process.version, machine, at: new Date().toISOString(), loadAverages: loads, results }, null, 2)}\n`,
);
