import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ResultsError } from '../errors.js';
import type { Histogram } from '../metrics/latency.js';
import { type IntervalRecord, parseSeriesTag, type SeriesTag } from '../metrics/types.js';
import { type CorrelationRecord, readCorrelationFile } from './correlation-file.js';
import { decodeHistogram, parseHlogLine } from './hlog.js';
import { RESULTS_FILES, type RunInfo, runInfoSchema } from './run-info.js';

export interface ResultsInterval {
  readonly record: IntervalRecord;
  /** The interval's histograms by `agent/outcome`; empty when nothing was recorded in it. */
  readonly histograms: Map<SeriesTag, Histogram>;
}

/** A results folder opened for reading: run.json and the interval records in memory, histograms streamed. */
export interface OpenResults {
  readonly dir: string;
  readonly run: RunInfo;
  readonly records: readonly IntervalRecord[];
  /** Things tolerated while reading (a crash cut the last line…). Grows while `intervals()` is consumed. */
  readonly notes: string[];
  /** Each interval with its histograms, in order, decoding one interval at a time (memory stays flat). */
  intervals(): AsyncGenerator<ResultsInterval>;
}

const intervalRecordSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  startMs: z.number(),
  endMs: z.number(),
  targetRate: z.number(),
  activeAgents: z.array(z.string()),
  phase: z.string(),
  sent: z.number(),
  completed: z.number(),
  lateStarts: z.number(),
  maxSlipUs: z.number(),
  inFlight: z.number(),
  codes: z.record(z.string(), z.number()),
  clamped: z.number().optional(),
  saturated: z.number().optional(),
  lockouts: z.object({ users: z.number(), unexplained: z.number() }).optional(),
  // Added with generator health (folders of earlier versions have none of these).
  scheduled: z.number().nonnegative().optional(),
  generator: z
    .object({
      loopDelayP99Us: z.number(),
      loopDelayMaxUs: z.number(),
      busyShare: z.number(),
      queuedPeak: z.number(),
      queuedSends: z.number().optional(),
    })
    .optional(),
  slip: z.string().optional(),
  service: z.record(z.string(), z.string()).optional(),
});

const FIX = 'give a folder written by `ptaload run` (results/<stamp>-<profile>/)';

export async function openResults(dir: string): Promise<OpenResults> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ResultsError(`${dir}: no such folder; ${FIX}.`);
  const run = await readRun(dir);
  const notes: string[] = [];
  const records = await readRecords(join(dir, RESULTS_FILES.intervals), notes);
  return {
    dir,
    run,
    records,
    notes,
    intervals: () => joinHistograms(join(dir, RESULTS_FILES.hlog), records, notes),
  };
}

/** The sign-ins the run kept by correlation id; empty for folders written before correlation.csv existed. */
export function readCorrelations(dir: string): Promise<CorrelationRecord[]> {
  return readCorrelationFile(join(dir, RESULTS_FILES.correlation));
}

/** Everything at once: convenient for tests and short runs (an hour of 1 s intervals is better streamed). */
export async function readResults(
  dir: string,
): Promise<{ run: RunInfo; intervals: ResultsInterval[]; notes: string[] }> {
  const opened = await openResults(dir);
  const intervals: ResultsInterval[] = [];
  for await (const interval of opened.intervals()) intervals.push(interval);
  return { run: opened.run, intervals, notes: opened.notes };
}

export async function readRun(dir: string): Promise<RunInfo> {
  const file = join(dir, RESULTS_FILES.run);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined)
    throw new ResultsError(`${file}: missing, so ${dir} is not a ptaload results folder; ${FIX}.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ResultsError(
      `${file}: not valid JSON (${(err as Error).message}); the file is damaged, rerun the test.`,
    );
  }
  const parsed = runInfoSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new ResultsError(
      `${file}: ${where}: ${issue.message}; this is not a run.json written by ptaload (or a newer, incompatible version).`,
    );
  }
  return parsed.data;
}

async function readRecords(file: string, notes: string[]): Promise<IntervalRecord[]> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined)
    throw new ResultsError(`${file}: missing; the results folder is incomplete. ${fixHint()}`);
  const lines = text.split('\n');
  const unterminated = lines.pop() ?? '';
  const records: IntervalRecord[] = [];
  const check = (line: string, n: number, last: boolean): void => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      if (last) {
        notes.push(
          `${RESULTS_FILES.intervals} line ${n}: incomplete last line (the run stopped mid-write); ignored.`,
        );
        return;
      }
      throw new ResultsError(`${file} line ${n}: not valid JSON; the file is damaged. ${fixHint()}`);
    }
    const parsed = intervalRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ResultsError(
        `${file} line ${n}: ${issue.path.join('.') || 'record'}: ${issue.message}. ${fixHint()}`,
      );
    }
    const previous = records[records.length - 1];
    if (previous && parsed.data.startMs <= previous.startMs) {
      throw new ResultsError(
        `${file} line ${n}: interval ${parsed.data.index} is not after the one before it. ${fixHint()}`,
      );
    }
    records.push(parsed.data);
  };
  for (const [i, line] of lines.entries()) check(line, i + 1, false);
  check(unterminated, lines.length + 1, true);
  return records;
}

function fixHint(): string {
  return 'Remove the damaged lines by hand or rerun the test.';
}

async function lastByte(file: string): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return undefined;
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, size - 1);
    return buf[0];
  } finally {
    await handle.close();
  }
}

/** Lines with their 1-based number, and whether each is the file's last line lacking its newline. */
async function* numberedLines(file: string): AsyncGenerator<{ line: string; n: number; cutShort: boolean }> {
  const endsWithNewline = (await lastByte(file)) === 0x0a;
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let pending: string | undefined;
  let n = 0;
  for await (const line of lines) {
    if (pending !== undefined) yield { line: pending, n, cutShort: false };
    pending = line;
    n++;
  }
  if (pending !== undefined) yield { line: pending, n, cutShort: !endsWithNewline };
}

interface HlogGroup {
  readonly startMs: number;
  readonly histograms: Map<SeriesTag, Histogram>;
}

/** The interval log, one group of histograms per interval start, in file order. */
async function* hlogGroups(file: string, notes: string[]): AsyncGenerator<HlogGroup> {
  let group: HlogGroup | undefined;
  for await (const { line, n, cutShort } of numberedLines(file)) {
    const parsed = parseHlogLine(line);
    // Untagged lines are the interval's tenant-wide total (added in 0.2): the tagged lines already hold it.
    if (parsed.kind === 'skip' || (parsed.kind === 'interval' && parsed.tag === '')) continue;
    let histogram: Histogram | undefined;
    let problem = parsed.kind === 'bad' ? parsed.reason : undefined;
    if (parsed.kind === 'interval') {
      if (!parseSeriesTag(parsed.tag)) problem = `tag "${parsed.tag}" is not agent/outcome`;
      else {
        try {
          histogram = decodeHistogram(parsed.encoded);
        } catch (err) {
          problem = `histogram does not decode (${(err as Error).message})`;
        }
      }
    }
    if (parsed.kind !== 'interval' || histogram === undefined) {
      if (cutShort) {
        notes.push(
          `${RESULTS_FILES.hlog} line ${n}: incomplete last line (the run stopped mid-write); ignored.`,
        );
        continue;
      }
      throw new ResultsError(`${file} line ${n}: ${problem}. ${fixHint()}`);
    }
    if (group && parsed.startMs < group.startMs) {
      throw new ResultsError(
        `${file} line ${n}: an interval starting at ${parsed.startMs / 1000} s comes after one at ${group.startMs / 1000} s; the log must be in time order. ${fixHint()}`,
      );
    }
    if (group && parsed.startMs !== group.startMs) {
      yield group;
      group = undefined;
    }
    group ??= { startMs: parsed.startMs, histograms: new Map() };
    const tag = parsed.tag as SeriesTag;
    const existing = group.histograms.get(tag);
    if (existing) existing.add(histogram);
    else group.histograms.set(tag, histogram);
  }
  if (group) yield group;
}

async function* joinHistograms(
  file: string,
  records: readonly IntervalRecord[],
  notes: string[],
): AsyncGenerator<ResultsInterval> {
  const exists = await stat(file).catch(() => undefined);
  if (!exists) throw new ResultsError(`${file}: missing; the results folder is incomplete. ${fixHint()}`);
  let next = 0;
  let orphans = 0;
  for await (const group of hlogGroups(file, notes)) {
    while (next < records.length && records[next]!.startMs < group.startMs) {
      yield { record: records[next++]!, histograms: new Map() };
    }
    const record = records[next];
    if (record && record.startMs === group.startMs) {
      next++;
      yield { record, histograms: group.histograms };
    } else {
      orphans++;
    }
  }
  while (next < records.length) yield { record: records[next++]!, histograms: new Map() };
  if (orphans > 0) {
    notes.push(
      `${RESULTS_FILES.hlog}: ${orphans} interval(s) of histograms without a record in ${RESULTS_FILES.intervals} (the run stopped between the two writes); ignored.`,
    );
  }
}
