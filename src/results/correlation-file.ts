/** correlation.csv: the sign-ins of a run kept by correlation id (every failure, sampled successes), appended as the run goes. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { SignInRow } from '../load/worker/signin-rows.js';
import { isOutcome, type Outcome } from '../outcome.js';

/**
 * One row per kept sign-in. `intended_start` is the ISO time the schedule meant it to start (what Entra's
 * sign-in logs are searched by, with the correlation id); `latency_ms` runs from there to the reply's last
 * byte. Never a password.
 */
export const CORRELATION_COLUMNS = [
  'correlation_id',
  'intended_start',
  'user',
  'outcome',
  'code',
  'latency_ms',
  'x_ms_request_id',
  'agent',
] as const;

export const CORRELATION_HEADER = `${CORRELATION_COLUMNS.join(',')}\n`;

/** A kept sign-in as read back. */
export interface CorrelationRecord {
  readonly correlationId: string;
  readonly intendedStart: string;
  readonly user: string;
  readonly outcome: Outcome;
  readonly code?: number;
  readonly latencyMs: number;
  readonly requestId?: string;
  readonly agent?: string;
}

/** Lines for a batch of rows (one write per batch). */
export function correlationLines(rows: readonly SignInRow[]): string {
  let out = '';
  for (const r of rows) {
    out += `${r.id},${new Date(r.intendedEpochMs).toISOString()},${field(r.user)},${r.outcome},${r.code ?? ''},${(r.latencyUs / 1000).toFixed(3)},${field(r.requestId ?? '')},${field(r.agent ?? '')}\n`;
  }
  return out;
}

/** The kept sign-ins of a results folder's file; none when the file is absent (folders older than it). */
export async function readCorrelationFile(path: string): Promise<CorrelationRecord[]> {
  if (!(await stat(path).catch(() => undefined))) return [];
  const out: CorrelationRecord[] = [];
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let first = true;
  for await (const line of lines) {
    if (first) {
      first = false;
      continue;
    }
    const f = splitCsv(line);
    // A run killed mid-write may leave a cut last line: skipped, as the interval log does.
    if (f.length !== CORRELATION_COLUMNS.length || !isOutcome(f[3]!)) continue;
    out.push({
      correlationId: f[0]!,
      intendedStart: f[1]!,
      user: f[2]!,
      outcome: f[3]!,
      ...(f[4] ? { code: Number(f[4]) } : {}),
      latencyMs: Number(f[5]),
      ...(f[6] ? { requestId: f[6] } : {}),
      ...(f[7] ? { agent: f[7] } : {}),
    });
  }
  return out;
}

function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else v += line[i++];
      }
      out.push(v);
      i++;
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}
