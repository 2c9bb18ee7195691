import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Redundancy } from '../capacity/plan.js';
import { buildPlan, planFits } from '../capacity/plan-build.js';
import type { PlanDocument, PlanRequest } from '../capacity/plan-document.js';
import { readPlanInputs } from '../capacity/plan-inputs.js';
import { sig } from '../capacity/plan-words.js';
import { writePlan } from '../capacity/plan-write.js';
import { EXIT, UsageError } from '../errors.js';
import { parseRate, parseShare, RATE_HINT } from '../profile/quantities.js';
import { parseThreshold } from '../profile/thresholds.js';
import { fmtMs, fmtPct, fmtRate } from '../report/format.js';
import { toolVersion } from '../version.js';
import { action } from './fail.js';

interface PlanFlags {
  peak: string;
  slo?: string;
  maxErrorRate?: string;
  redundancy: string;
  headroom: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan')
    .description(
      'Agents needed for a peak: the knee (capacity at the SLO) of each agent count, a Universal Scalability Law fit ' +
        'across counts, and the recommendation with headroom and redundancy against the 40-agent limit. Writes ' +
        'plan.json, plan.md and plan.html. Exits 1 when the peak does not fit under 40 agents (or a given site ' +
        'layout does not survive losing its largest site), 2 on bad input or when no agent count gave a knee.',
    )
    .argument('<results...>', 'sweep folders and/or results folders (one agent count each), in any mix')
    .requiredOption('--peak <rate>', 'the peak sign-in rate to plan for, e.g. 1200/s')
    .option(
      '--slo <expr>',
      'latency SLO the knee keeps, e.g. "p99<1s" (default: the sweep\'s stop limit, else p99<1s)',
    )
    .option('--max-error-rate <share>', "error rate the knee keeps, e.g. 1% (default: the sweep's, else 1%)")
    .option('--redundancy <kind>', 'N+<k> spare agents, or site:<sites> / site:<name>=<agents>,…', 'N+1')
    .option('--headroom <share>', 'capacity above the peak, e.g. 25%', '25%')
    .option('-o, --out <dir>', 'where plan.* go (default: the first folder given)')
    .option('--json', 'print plan.json to stdout')
    .option('-q, --quiet', 'print nothing but errors')
    .action(
      action(async (folders: string[], flags: PlanFlags) => {
        const request = parseRequest(flags);
        const inputs = await readPlanInputs(folders);
        const doc = buildPlan(inputs, request, { at: new Date(), version: toolVersion() });
        const out = flags.out ?? folders[0]!;
        await mkdir(out, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
          throw new UsageError(
            `--out ${out}: cannot create the folder (${err.code ?? err.message}); choose another.`,
          );
        });
        const files = await writePlan(out, doc);
        if (flags.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        else if (!flags.quiet) process.stdout.write(consoleText(doc, files));
        for (const n of doc.notes) process.stderr.write(`ptaload: note: ${n}\n`);
        return planFits(doc) ? EXIT.ok : EXIT.failed;
      }),
    );
}

export function parseRequest(flags: PlanFlags): PlanRequest {
  const sloP99Ms = flags.slo === undefined ? undefined : parseSlo(flags.slo);
  const maxErrorRate =
    flags.maxErrorRate === undefined ? undefined : share('--max-error-rate', flags.maxErrorRate, '1%');
  return {
    peakPerS: parsePeak(flags.peak),
    headroom: share('--headroom', flags.headroom, '25%'),
    redundancy: parseRedundancy(flags.redundancy),
    redundancyText: flags.redundancy,
    ...(sloP99Ms === undefined ? {} : { sloP99Ms }),
    ...(maxErrorRate === undefined ? {} : { maxErrorRate }),
  };
}

function parsePeak(text: string): number {
  const perS = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : parseRate(text);
  if (perS === undefined || !(perS > 0)) {
    throw new UsageError(
      `--peak: expected ${RATE_HINT}, above 0, got '${text}'. Give the busiest sign-in rate you must carry, e.g. --peak 1200/s.`,
    );
  }
  return perS;
}

function share(flag: string, text: string, example: string): number {
  const value = parseShare(/^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text);
  if (value === undefined) {
    throw new UsageError(
      `${flag}: expected a percentage from 0% to 100% (or a fraction from 0 to 1), got '${text}'; e.g. ${flag} ${example}.`,
    );
  }
  return value;
}

/** The SLO is a tenant-wide p99 limit: the knee judges each interval's p99. */
function parseSlo(text: string): number {
  const parsed = parseThreshold(text);
  const fix = `Give the latency limit every interval's tenant-wide p99 must keep, e.g. --slo "p99<1s" or --slo "p99 < 800ms".`;
  if (!parsed.ok) throw new UsageError(`--slo: ${parsed.error}. ${fix}`);
  const t = parsed.threshold;
  if (t.scope.kind !== 'tenant' || t.metric.kind !== 'percentile' || t.metric.p !== 99) {
    throw new UsageError(
      `--slo: '${text}' is not a tenant-wide p99 limit; the knee is judged on p99 only. ${fix}`,
    );
  }
  if (t.op !== '<' && t.op !== '<=') {
    throw new UsageError(`--slo: '${text}' must be an upper limit (< or <=). ${fix}`);
  }
  if (!(t.value > 0)) throw new UsageError(`--slo: '${text}' needs a limit above 0. ${fix}`);
  return t.value;
}

/** N+k; site:<count> (sites named only, spread evenly); site:<name>=<agents>,… (a layout to check). */
export function parseRedundancy(text: string): Redundancy {
  const fix =
    'Use N+1 or N+2 (spare agents), site:2 (survive losing any one of 2 sites) or site:dc1=3,dc2=3 (check that layout).';
  const nk = /^\s*n\s*\+\s*(\d+)\s*$/i.exec(text);
  if (nk) return { kind: 'n+k', k: Number(nk[1]) };
  const site = /^\s*site\s*:\s*(.+?)\s*$/i.exec(text);
  if (!site) throw new UsageError(`--redundancy: '${text}' is not a redundancy. ${fix}`);
  const body = site[1]!;
  if (/^\d+$/.test(body)) {
    const count = Number(body);
    if (count < 2 || count > 40) {
      throw new UsageError(`--redundancy: '${text}' needs 2 to 40 sites to survive losing one. ${fix}`);
    }
    return {
      kind: 'site',
      sites: Object.fromEntries(Array.from({ length: count }, (_, i) => [`site-${i + 1}`, 0])),
    };
  }
  const sites: Record<string, number> = {};
  for (const part of body.split(',')) {
    const m = /^\s*([A-Za-z0-9._-]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m || m[1]! in sites) {
      throw new UsageError(
        `--redundancy: '${part.trim()}' in '${text}' is not a site=agents pair (or repeats a site). ${fix}`,
      );
    }
    sites[m[1]!] = Number(m[2]);
  }
  if (Object.keys(sites).length < 2 || Object.values(sites).every((n) => n === 0)) {
    throw new UsageError(`--redundancy: '${text}' needs at least 2 sites, with agents in them. ${fix}`);
  }
  return { kind: 'site', sites };
}

function consoleText(doc: PlanDocument, files: readonly string[]): string {
  const f = doc.plan.fit;
  const lines = [
    `capacity plan from ${doc.sources.length} run(s), SLO p99 ≤ ${fmtMs(doc.rule.sloP99Ms)}, errors ≤ ${fmtPct(doc.rule.maxErrorRate)}`,
    '',
    `${'agents'.padStart(6)}  ${'knee'.padStart(9)}  ${'per agent'.padStart(9)}  status`,
    ...doc.counts.map(
      (c) =>
        `${String(c.agents).padStart(6)}  ${fmtRate(c.kneePerS).padStart(9)}  ${fmtRate(c.perAgentPerS).padStart(9)}  ${c.status}${c.usedInFit ? '' : ' (not in the fit)'}`,
    ),
    '',
    `${f.model ?? 'usl'} fit: λ ${fmtRate(f.lambda)}, σ ${sig(f.sigma)}, κ ${sig(f.kappa)}, R² ${f.r2 === null ? '–' : f.r2.toFixed(3)}`,
    '',
    ...doc.summary,
    ...doc.warnings.map((w) => `warning: ${w}`),
    '',
    `wrote ${files.join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
