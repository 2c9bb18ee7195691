/**
 * The agents' own "Microsoft AAD Connect Agents" performance counters (a CSV from typeperf or
 * Get-Counter | Export-Counter), turned into per-agent throughput over the run's time axis: a second source
 * of per-agent figures that needs no sign-in logs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { readRun } from '../results/reader.js';
import { RESULTS_FILES } from '../results/run-info.js';

const COUNTERS = {
  '#pta authentications': 'authentications',
  '#pta successful authentications': 'successful',
  '#pta failed authentications': 'failed',
} as const;
type Kind = (typeof COUNTERS)[keyof typeof COUNTERS];

export interface CounterSeries {
  readonly host: string;
  readonly agent: string;
  /** Per sample interval: seconds since the run's time zero (its end), and rates per second of each counter. */
  readonly points: { readonly tS: number; readonly perS: Partial<Record<Kind, number>> }[];
  readonly totals: Partial<Record<Kind, number>>;
}

/**
 * Reads one PDH CSV. The first header cell carries the clock's offset from UTC in minutes, as
 * `(PDH-CSV 4.0) (<zone name>)(<bias>)`, with UTC = local time + bias; each other header names
 * `\\HOST\Microsoft AAD Connect Agents(<instance>)\<counter>`. Counters are running totals: a sample's
 * rate is its rise over the time since the last one (a fall means the agent restarted: counted from zero).
 */
export function parseCounterCsv(
  text: string,
  file: string,
): { host: string; kind: Kind; samples: { utcMs: number; value: number }[] }[] {
  const rows = parse(text.replace(/^\uFEFF/, ''), {
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  if (rows.length < 2)
    throw new UsageError(`${file}: expected a typeperf/Export-Counter CSV with a header and samples.`);
  const header = rows[0]!;
  const bias = /\((-?\d+)\)\s*$/.exec(header[0] ?? '');
  if (!/PDH-CSV/i.test(header[0] ?? '') || !bias) {
    throw new UsageError(
      `${file}: line 1 does not start with a PDH-CSV time column ("(PDH-CSV 4.0) (<zone>)(<bias>)"); write it with typeperf -f CSV or Export-Counter -FileFormat CSV.`,
    );
  }
  const biasMin = Number(bias[1]);
  const columns: { index: number; host: string; kind: Kind }[] = [];
  header.forEach((name, index) => {
    const m = /^\\\\([^\\]+)\\Microsoft AAD Connect Agents(?:\([^)]*\))?\\(.+)$/i.exec(name.trim());
    const kind = m ? COUNTERS[m[2]!.trim().toLowerCase() as keyof typeof COUNTERS] : undefined;
    if (m && kind) columns.push({ index, host: m[1]!, kind });
  });
  if (columns.length === 0) {
    throw new UsageError(
      `${file}: no "Microsoft AAD Connect Agents" #PTA authentications counters in its header; collect \\Microsoft AAD Connect Agents(*)\\#PTA authentications on each agent server.`,
    );
  }
  const out = columns.map((c) => ({
    host: c.host,
    kind: c.kind,
    samples: [] as { utcMs: number; value: number }[],
  }));
  rows.slice(1).forEach((row, i) => {
    const local = pdhTime(row[0] ?? '');
    if (local === undefined)
      throw new UsageError(`${file}: line ${i + 2}: '${row[0]}' is not a time like 12/01/2026 08:00:01.250.`);
    const utcMs = local + biasMin * 60_000;
    columns.forEach((c, k) => {
      const v = Number((row[c.index] ?? '').trim());
      if ((row[c.index] ?? '').trim() !== '' && Number.isFinite(v)) out[k]!.samples.push({ utcMs, value: v });
    });
  });
  return out;
}

/** `MM/dd/yyyy HH:mm:ss.fff` as PDH writes it, read as if it were UTC (the bias is applied by the caller). */
function pdhTime(text: string): number | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, mo, d, y, h, mi, s, ms] = m;
  return Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number((ms ?? '0').padEnd(3, '0')),
  );
}

/** Imports counter files into the results folder's counters.json, naming hosts by the profile's agents[].host. */
export async function importCounters(
  dir: string,
  files: readonly string[],
  log: (line: string) => void,
): Promise<CounterSeries[]> {
  const run = await readRun(dir);
  const hostToAgent = new Map<string, string>();
  for (const a of run.agents) if (a.host) hostToAgent.set(shortHost(a.host), a.name);
  const byHost = new Map<string, Map<Kind, { utcMs: number; value: number }[]>>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    for (const col of parseCounterCsv(text, file)) {
      const kinds = byHost.get(shortHost(col.host)) ?? new Map();
      kinds.set(
        col.kind,
        [...(kinds.get(col.kind) ?? []), ...col.samples].sort((a, b) => a.utcMs - b.utcMs),
      );
      byHost.set(shortHost(col.host), kinds);
    }
  }
  const series: CounterSeries[] = [...byHost.entries()].map(([host, kinds]) => {
    const points = new Map<number, Partial<Record<Kind, number>>>();
    const totals: Partial<Record<Kind, number>> = {};
    for (const [kind, samples] of kinds) {
      let total = 0;
      for (let i = 1; i < samples.length; i++) {
        const prev = samples[i - 1]!;
        const cur = samples[i]!;
        const dt = (cur.utcMs - prev.utcMs) / 1000;
        if (dt <= 0) continue;
        const rise = cur.value >= prev.value ? cur.value - prev.value : cur.value;
        if (cur.utcMs < run.startEpochMs) continue;
        total += rise;
        const tS = Math.round((cur.utcMs - run.startEpochMs) / 10) / 100;
        points.set(tS, { ...(points.get(tS) ?? {}), [kind]: Math.round((rise / dt) * 100) / 100 });
      }
      totals[kind] = total;
    }
    const agent = hostToAgent.get(host) ?? `host:${host}`;
    return {
      host,
      agent,
      points: [...points.entries()].sort((a, b) => a[0] - b[0]).map(([tS, perS]) => ({ tS, perS })),
      totals,
    };
  });
  const unnamed = series.filter((s) => s.agent.startsWith('host:')).map((s) => s.host);
  if (unnamed.length > 0)
    log(
      `counters: host(s) ${unnamed.join(', ')} match no agents[].host in the profile; kept under their host name.`,
    );
  await writeFileAtomic(
    join(dir, RESULTS_FILES.counters),
    `${JSON.stringify({ countersVersion: 1, source: 'agent-performance-counters', files: files.length, agents: series }, null, 2)}\n`,
  );
  log(`counters: ${series.length} agent(s) imported into ${RESULTS_FILES.counters}`);
  return series;
}

function shortHost(host: string): string {
  return host.toLowerCase().split('.')[0]!;
}
