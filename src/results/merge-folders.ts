import { ResultsError } from '../errors.js';
import { mergeIntervalRecords, mergeShards } from '../metrics/shards.js';
import type { IntervalRecord } from '../metrics/types.js';
import { readResults } from './reader.js';
import type { RunInfo, RunStatus } from './run-info.js';
import { checkShards, type ShardCheck } from './shard-check.js';
import { ResultsWriter } from './writer.js';

const SEVERITY: Record<RunStatus, number> = { completed: 0, running: 1, interrupted: 2, failed: 3 };

/**
 * `ptaload merge`: adds the results folders of side-by-side harnesses (`--shard i/n`) into one folder, interval
 * by interval. Histograms add exactly, so the merged percentiles are those of one big run, not averages.
 */
export async function mergeResults(
  dirs: readonly string[],
  out: string,
  opts: { force?: boolean; maxSkewMs?: number; overwrite?: boolean } = {},
): Promise<{ run: RunInfo; warnings: string[]; check: ShardCheck }> {
  if (dirs.length < 2)
    throw new ResultsError('ptaload merge needs two or more results folders (one per shard).');
  const shards = [];
  for (const dir of dirs) shards.push({ dir, ...(await readResults(dir)) });
  const check = checkShards(
    shards.map((s) => ({ dir: s.dir, run: s.run })),
    { force: opts.force ?? false, ...(opts.maxSkewMs !== undefined ? { maxSkewMs: opts.maxSkewMs } : {}) },
  );
  const first = shards[0]!;
  const warnings = check.warnings;

  const merged = mergeShards(
    shards.map((s) => ({
      label: s.dir,
      intervalMs: s.run.intervalMs,
      intervals: s.intervals.map(({ record, histograms }) => ({
        index: record.index,
        counters: record,
        histograms,
      })),
    })),
  );
  const recordsByIndex = new Map<number, IntervalRecord[]>();
  for (const s of shards) {
    for (const { record } of s.intervals) {
      const list = recordsByIndex.get(record.index) ?? [];
      list.push(record);
      recordsByIndex.set(record.index, list);
    }
  }
  const status = shards
    .map((s) => s.run.status)
    .reduce((worst, st) => (SEVERITY[st] > SEVERITY[worst] ? st : worst), 'completed' as RunStatus);
  const agents = new Map(shards.flatMap((s) => s.run.agents.map((a) => [a.name, a] as const)));
  const run: RunInfo = {
    ...first.run,
    runId: out.split(/[\\/]/).pop() ?? out,
    status: 'running',
    startEpochMs: Math.min(...shards.map((s) => s.run.startEpochMs)),
    workers: shards.reduce((a, s) => a + s.run.workers, 0),
    connections: shards.reduce((a, s) => a + s.run.connections, 0),
    agents: [...agents.values()],
    ...(check.merged ? { merged: check.merged } : {}),
    notes: [
      `merged from ${shards.length} shard folders: ${dirs.join(', ')}`,
      ...warnings,
      ...(check.alignment ? [`shards aligned: ${check.alignment}`] : []),
      ...shards.flatMap((s) => s.run.notes.map((n) => `${s.dir}: ${n}`)),
    ],
  };
  delete (run as { shard?: unknown }).shard;
  const writer = await ResultsWriter.create(out, run, { overwrite: opts.overwrite === true });
  try {
    try {
      for (const interval of merged.intervals) {
        const record = mergeIntervalRecords(recordsByIndex.get(interval.index) ?? []);
        await writer.appendInterval(record, interval.histograms);
      }
    } catch (err) {
      // A merge cut short (a full disk) says so in its run.json, written in the folder's reserved space.
      const failure = { code: 'RESULTS_INVALID', message: err instanceof Error ? err.message : String(err) };
      await writer.finish({ status: 'failed', failure }).catch(() => undefined);
      throw err;
    }
    const endedAt = shards
      .map((s) => s.run.endedAt)
      .filter((e): e is string => typeof e === 'string')
      .sort()
      .pop();
    await writer.finish({ status, ...(endedAt ? { endedAt } : {}) });
    return { run: { ...run, status }, warnings, check };
  } finally {
    await writer.close();
  }
}
