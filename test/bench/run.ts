/**
 * `npm run bench`: whole benchmarks, never part of pass/fail tests. Each module exports one async function
 * returning its figures; this runner prints them and keeps a JSON copy in test/artifacts/bench.json.
 * `npm run bench -- sim generator` runs only those.
 */
import { mkdir, writeFile } from 'node:fs/promises';

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
};

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
  console.log(`\n== ${name}`);
  const result = await bench();
  results.push(result);
  console.log(result.text);
}
await mkdir(new URL('../artifacts/', import.meta.url), { recursive: true });
await writeFile(
  new URL('../artifacts/bench.json', import.meta.url),
  `${JSON.stringify({ node: process.version, at: new Date().toISOString(), results }, null, 2)}\n`,
);
