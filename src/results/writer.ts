import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultsError } from '../errors.js';
import type { SignInRow } from '../load/worker/signin-rows.js';
import { intervalStats } from '../metrics/interval-stats.js';
import type { Histogram } from '../metrics/latency.js';
import { addHistograms } from '../metrics/totals.js';
import type { IntervalRecord, SeriesTag } from '../metrics/types.js';
import { appendWhole, resultsWriteError, writeFileAtomic } from './atomic-write.js';
import { CORRELATION_HEADER, correlationLines } from './correlation-file.js';
import { LOCK_FILE, lockFolder } from './folder-lock.js';
import { hlogHeader, hlogLine } from './hlog.js';
import { readRun } from './reader.js';
import { describeEvent, eventTimeMs, RESULTS_FILES, type RunInfo } from './run-info.js';
import { AGENT_COLUMNS, agentRows, csvHeader, TIMESERIES_COLUMNS, timeseriesRow } from './series-csv.js';
import { MIN_RESERVE_BYTES, RESERVE_FILE, reserveSpace, type SpaceReserve } from './space-reserve.js';

const OWN_FILES = new Set<string>(Object.values(RESULTS_FILES));

/** What a run that ended mid-write leaves behind (a crash, kill -9): never read, removed when the folder is reused. */
function isLeftover(file: string): boolean {
  return file === RESERVE_FILE || /\.tmp-\d+$/.test(file);
}

/** How much of the run the folder holds: the intervals whose record was written, and where the last one ended. */
export interface Recorded {
  readonly intervals: number;
  /** End of the last recorded interval, ms since the run's start (0 when none was). */
  readonly endMs: number;
}

/**
 * The results folder of one run, written as the run goes: run.json rewritten on every change, the
 * interval log, intervals.jsonl and the CSV files appended once per interval (each interval's lines in
 * one write per file, records last, so a run killed at any moment leaves a readable folder).
 * Calls are queued: the coordinator may fire them without awaiting each other.
 *
 * A disk that fills up: the first failed write is kept (`failure`), the interval it cut short is taken back
 * from every file, and nothing more is appended, so the folder ends at its last whole interval. The final
 * run.json (`finish`) is written into space reserved when the folder was created (space-reserve.ts), so it
 * says how the run ended even when the disk has no byte left.
 */
export class ResultsWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private firstFailure: unknown;
  private recordedSoFar: Recorded = { intervals: 0, endMs: 0 };

  private constructor(
    readonly dir: string,
    private current: RunInfo,
    private readonly unlock: () => Promise<void>,
    private readonly reserve: SpaceReserve,
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
    let reserve: SpaceReserve;
    try {
      await ResultsWriter.clear(dir, opts.overwrite === true);
      // First, so a disk too full to hold it refuses the run before anything else is written.
      reserve = await reserveSpace(dir, Math.max(MIN_RESERVE_BYTES, 4 * Buffer.byteLength(json(run))));
    } catch (err) {
      await unlock();
      throw err;
    }
    const writer = new ResultsWriter(dir, run, unlock, reserve);
    try {
      await writeFileAtomic(writer.path('run'), json(run));
      await writer.write('hlog', hlogHeader(run.startEpochMs, run.tool.version));
      await writer.write('intervals', '');
      await writer.write('timeseries', csvHeader(TIMESERIES_COLUMNS));
      await writer.write('agents', csvHeader(AGENT_COLUMNS));
      await writer.write('correlation', CORRELATION_HEADER);
    } catch (err) {
      // Marked failed (in the reserve's space), so the folder does not read as a run still going.
      const failure = { code: 'RESULTS_INVALID', message: err instanceof Error ? err.message : String(err) };
      await writer.finish({ status: 'failed', failure }).catch(() => undefined);
      await writer.close().catch(() => undefined);
      throw err;
    }
    return writer;
  }

  /** Empties an earlier results folder when `overwrite` allows it; refuses anything else that is not empty. */
  private static async clear(dir: string, overwrite: boolean): Promise<void> {
    const all = (await readdir(dir)).filter((f) => f !== LOCK_FILE);
    const leftovers = all.filter(isLeftover);
    const present = all.filter((f) => !isLeftover(f));
    if (present.length === 0) {
      await Promise.all(leftovers.map((f) => rm(join(dir, f), { force: true })));
      return;
    }
    const foreign = present.filter((f) => !OWN_FILES.has(f));
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
    await Promise.all(all.map((f) => rm(join(dir, f), { force: true })));
  }

  /** Waits for the queued writes, deletes what is left of the reserve and gives the folder's lock back. */
  async close(): Promise<void> {
    await this.queue;
    await this.reserve.release().catch(() => undefined);
    await this.unlock();
  }

  /** The first write into the folder that failed (a ResultsError naming the file and errno), if one did. */
  get failure(): unknown {
    return this.firstFailure;
  }

  /** What the folder holds so far. */
  get recorded(): Recorded {
    return this.recordedSoFar;
  }

  /** writeFile of one of the folder's files, a failure named as a ResultsError. */
  private async write(file: keyof typeof RESULTS_FILES, text: string): Promise<void> {
    const path = this.path(file);
    await writeFile(path, text).catch((err: unknown) => {
      throw resultsWriteError(path, err);
    });
  }

  /** Appends to the folder's files as one step (atomic-write.ts), or not at all once a write has failed. */
  private async append(appends: readonly (readonly [keyof typeof RESULTS_FILES, string])[]): Promise<void> {
    if (this.firstFailure !== undefined) throw this.firstFailure;
    await appendWhole(appends.map(([file, text]) => [this.path(file), text] as const)).catch((err) => {
      this.firstFailure ??= err;
      throw err;
    });
  }

  private path(file: keyof typeof RESULTS_FILES): string {
    return join(this.dir, RESULTS_FILES[file]);
  }

  /** Merges `patch` into run.json and rewrites it. */
  updateRun(patch: Partial<RunInfo>): Promise<void> {
    return this.enqueue(async () => {
      this.current = { ...this.current, ...patch };
      await writeFileAtomic(this.path('run'), json(this.current)).catch((err: unknown) => {
        this.firstFailure ??= err;
        throw err;
      });
    });
  }

  /**
   * The last rewrite of run.json (how the run ended), through the reserve, so it succeeds on a full disk;
   * the reserve's remaining space is freed for the reports written after it.
   */
  finish(patch: Partial<RunInfo>): Promise<void> {
    return this.enqueue(async () => {
      this.current = { ...this.current, ...patch };
      const text = json(this.current);
      if (!(await this.reserve.commit(this.path('run'), text))) await writeFileAtomic(this.path('run'), text);
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
      const rows = agentRows(stats, this.current.startEpochMs);
      // Last: a record in intervals.jsonl is what makes the interval count when the folder is read back.
      await this.append([
        ...(lines ? [['hlog', lines] as const] : []),
        ['timeseries', timeseriesRow(stats, events, this.current.startEpochMs)],
        ...(rows ? [['agents', rows] as const] : []),
        ['intervals', `${JSON.stringify(record)}\n`],
      ]);
      this.recordedSoFar = { intervals: this.recordedSoFar.intervals + 1, endMs: record.endMs };
    });
  }

  /** Appends sign-ins kept by correlation id (one write per batch). */
  appendSignIns(rows: readonly SignInRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const text = correlationLines(rows);
    return this.enqueue(() => this.append([['correlation', text]]));
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
