import { appendFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultsError } from '../errors.js';
import type { SignInRow } from '../load/worker/signin-rows.js';
import { intervalStats } from '../metrics/interval-stats.js';
import type { Histogram } from '../metrics/latency.js';
import { addHistograms } from '../metrics/totals.js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import { resultsWriteError, writeFileAtomic } from './atomic-write.js';
import { CORRELATION_HEADER, correlationLines } from './correlation-file.js';
import { LOCK_FILE, lockFolder } from './folder-lock.js';
import { hlogHeader, hlogLine } from './hlog.js';
import { readRun } from './reader.js';
import { describeEvent, eventTimeMs, RESULTS_FILES, type RunInfo } from './run-info.js';
import { AGENT_COLUMNS, agentRows, csvHeader, TIMESERIES_COLUMNS, timeseriesRow } from './series-csv.js';

const OWN_FILES = new Set<string>(Object.values(RESULTS_FILES));

/**
 * The results folder of one run, written as the run goes: run.json rewritten on every change, the
 * interval log, intervals.jsonl and the CSV files appended once per interval (each interval's lines in
 * one write per file, records last, so a run killed at any moment leaves a readable folder).
 * Calls are queued: the coordinator may fire them without awaiting each other.
 */
export class ResultsWriter {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private current: RunInfo,
    private readonly unlock: () => Promise<void>,
  ) {}

  /**
   * Creates (mkdir -p) the folder and takes its lock (folder-lock.ts), so two runs never write one folder.
   * An empty folder is fine; an earlier ptaload results folder only with `overwrite` (its files are
   * replaced), so a mistyped --out does not destroy a run; a folder holding anything else is refused.
   */
  static async create(
    dir: string,
    run: RunInfo,
    opts: { readonly overwrite?: boolean } = {},
  ): Promise<ResultsWriter> {
    await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw new ResultsError(
        `${dir}: cannot create the results folder (${err.code ?? err.message}); choose another --out.`,
      );
    });
    const unlock = await lockFolder(dir);
    try {
      await ResultsWriter.clear(dir, opts.overwrite === true);
    } catch (err) {
      await unlock();
      throw err;
    }
    const writer = new ResultsWriter(dir, run, unlock);
    try {
      await writeFileAtomic(writer.path('run'), json(run));
      await writer.write('hlog', hlogHeader(run.startEpochMs, run.tool.version));
      await writer.write('intervals', '');
      await writer.write('timeseries', csvHeader(TIMESERIES_COLUMNS));
      await writer.write('agents', csvHeader(AGENT_COLUMNS));
      await writer.write('correlation', CORRELATION_HEADER);
    } catch (err) {
      // Marked failed if run.json can still be written, so the folder does not read as a run still going.
      const failure = { code: 'RESULTS_INVALID', message: err instanceof Error ? err.message : String(err) };
      await writeFileAtomic(writer.path('run'), json({ ...run, status: 'failed', failure })).catch(
        () => undefined,
      );
      await unlock().catch(() => undefined);
      throw err;
    }
    return writer;
  }

  /** Empties an earlier results folder when `overwrite` allows it; refuses anything else that is not empty. */
  private static async clear(dir: string, overwrite: boolean): Promise<void> {
    const present = (await readdir(dir)).filter((f) => f !== LOCK_FILE);
    if (present.length === 0) return;
    const foreign = present.filter((f) => !OWN_FILES.has(f) && !/\.tmp-\d+$/.test(f));
    const earlier = present.includes(RESULTS_FILES.run) && (await readRun(dir).catch(() => undefined));
    if (!earlier || foreign.length > 0) {
      throw new ResultsError(
        `${dir}: the folder is not empty and is not a ptaload results folder (it holds ${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}); choose an empty or new folder for --out.`,
      );
    }
    if (!overwrite) {
      throw new ResultsError(
        `${dir}: already holds the results of an earlier run (${earlier.runId}, ${earlier.status}, started ${earlier.startedAt}); choose a new folder for --out, or add --overwrite to replace them.`,
      );
    }
    await Promise.all(present.map((f) => rm(join(dir, f), { force: true })));
  }

  /** Waits for the queued writes and gives the folder's lock back. */
  async close(): Promise<void> {
    await this.queue;
    await this.unlock();
  }

  /** writeFile (or appendFile) of one of the folder's files, a failure named as a ResultsError. */
  private async write(file: keyof typeof RESULTS_FILES, text: string, append = false): Promise<void> {
    const path = this.path(file);
    await (append ? appendFile(path, text) : writeFile(path, text)).catch((err: unknown) => {
      throw resultsWriteError(path, err);
    });
  }

  private path(file: keyof typeof RESULTS_FILES): string {
    return join(this.dir, RESULTS_FILES[file]);
  }

  /** Merges `patch` into run.json and rewrites it. */
  updateRun(patch: Partial<RunInfo>): Promise<void> {
    return this.enqueue(async () => {
      this.current = { ...this.current, ...patch };
      await writeFileAtomic(this.path('run'), json(this.current));
    });
  }

  /** Appends one merged interval. Histograms with no samples are not logged (the record still is). */
  appendInterval(record: IntervalRecord, histograms: ReadonlyMap<SeriesTag, Histogram>): Promise<void> {
    return this.enqueue(async () => {
      const tags = [...histograms.keys()].filter((t) => histograms.get(t)!.totalCount > 0).sort();
      const tagged = tags.map((t) => hlogLine(t, record.startMs, record.endMs, histograms.get(t)!));
      const total = tags.length > 0 ? addHistograms(tags.map((t) => histograms.get(t)!)) : undefined;
      const lines = (total ? hlogLine('', record.startMs, record.endMs, total) : '') + tagged.join('');
      const stats = intervalStats(record, histograms);
      const events = this.current.timeline
        .filter((r) => eventTimeMs(r) >= record.startMs && eventTimeMs(r) < record.endMs)
        .map(describeEvent);
      if (lines) await this.write('hlog', lines, true);
      await this.write('timeseries', timeseriesRow(stats, events, this.current.startEpochMs), true);
      const rows = agentRows(stats, this.current.startEpochMs);
      if (rows) await this.write('agents', rows, true);
      // Last: a record in intervals.jsonl is what makes the interval count when the folder is read back.
      await this.write('intervals', `${JSON.stringify(record)}\n`, true);
    });
  }

  /** Appends sign-ins kept by correlation id (one write per batch). */
  appendSignIns(rows: readonly SignInRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const text = correlationLines(rows);
    return this.enqueue(() => this.write('correlation', text, true));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
