/**
 * Start-up with many users, the part before the first sign-in: generated users (derived from the seed,
 * written straight into the shared user table) against the old way (one object per user, then the table),
 * and a users CSV read straight into the table against the csv-parse reader into objects, then the table.
 * Interleaved rounds; read the ratios. Knobs: BENCH_USERS (200000; the figure is 1000000), BENCH_ROUNDS (3).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUsersFile } from '../../src/users/csv.js';
import { readUsersTable } from '../../src/users/csv-table.js';
import { generateUserColumns, generateUsers, generateUserTable } from '../../src/users/generate.js';
import { buildUserTable } from '../../src/users/user-table.js';
import type { BenchResult } from './run.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function benchUsersStart(): Promise<BenchResult> {
  const count = Number(process.env.BENCH_USERS ?? 200_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const opts = { count, domain: 'contoso.test', seed: 1, states: { disabled: 0.01 } };
  const dir = await mkdtemp(join(tmpdir(), 'ptaload-bench-users-'));
  try {
    // Fake passwords of a throwaway seed, in a private temporary folder removed at the end.
    const made = generateUserColumns(opts);
    const lines = ['username,password,state'];
    for (let i = 0; i < made.count; i++)
      lines.push(`${made.username(i)},${made.password(i)},${made.state(i)}`);
    const csv = join(dir, 'users.csv');
    await writeFile(csv, `${lines.join('\n')}\n`, { mode: 0o600 });
    const contenders: Record<string, () => Promise<unknown>> = {
      generatedTable: async () => generateUserTable(opts),
      generatedObjects: async () => buildUserTable(generateUsers(opts)),
      csvTable: async () => readUsersTable(csv),
      csvObjects: async () => buildUserTable(await readUsersFile(csv)),
    };
    const ms: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r++) {
      for (const [name, fn] of Object.entries(contenders)) {
        const t0 = performance.now();
        await fn();
        const took = performance.now() - t0;
        ms[name] = [...(ms[name] ?? []), took];
      }
    }
    const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
    const figures = {
      users: count,
      generatedTableMs: m.generatedTable!,
      generatedObjectsMs: m.generatedObjects!,
      csvTableMs: m.csvTable!,
      csvObjectsMs: m.csvObjects!,
      generatedSpeedup: m.generatedObjects! / m.generatedTable!,
      csvSpeedup: m.csvObjects! / m.csvTable!,
    };
    return {
      name: 'users-start',
      figures,
      text: [
        `${count} users, median of ${rounds} interleaved rounds, up to a laid-out shared table:`,
        `generated: straight into the table ${figures.generatedTableMs.toFixed(0)} ms, objects ${figures.generatedObjectsMs.toFixed(0)} ms (×${figures.generatedSpeedup.toFixed(2)})`,
        `CSV: straight into the table ${figures.csvTableMs.toFixed(0)} ms, csv-parse objects ${figures.csvObjectsMs.toFixed(0)} ms (×${figures.csvSpeedup.toFixed(2)})`,
      ].join('\n'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
