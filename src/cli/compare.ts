import { type Command, InvalidArgumentError } from 'commander';
import { compareRuns } from '../compare/compare.js';
import { renderCompareText } from '../compare/compare-console.js';
import { writeCompareReports } from '../compare/compare-files.js';
import { DEFAULT_RULES } from '../compare/compare-types.js';
import { EXIT } from '../errors.js';
import { action } from './fail.js';

interface CompareFlags {
  maxP50Increase: number;
  maxP99Increase: number;
  maxThroughputDrop: number;
  maxErrorRateIncrease: number;
  agent?: string;
  force?: boolean;
  json?: boolean;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description(
      'Compare a candidate run with a baseline run of the same profile (before and after an agent upgrade): ' +
        'tenant-wide and per agent, each change with a confidence interval from the runs’ own interval-to-interval noise. ' +
        'Writes compare.md and compare.html. Exits 1 on a regression, 0 otherwise, 2 on bad input.',
    )
    .argument('<baseline>', 'results folder of the run before the change')
    .argument('<candidate>', 'results folder of the run after the change')
    .option(
      '--max-p50-increase <pct>',
      'allowed rise of the typical p50, e.g. 10%',
      percent('--max-p50-increase'),
      DEFAULT_RULES.maxP50Increase,
    )
    .option(
      '--max-p99-increase <pct>',
      'allowed rise of the typical p99, e.g. 10%',
      percent('--max-p99-increase'),
      DEFAULT_RULES.maxP99Increase,
    )
    .option(
      '--max-throughput-drop <pct>',
      'allowed fall of the achieved throughput (tenant-wide), e.g. 5%',
      percent('--max-throughput-drop'),
      DEFAULT_RULES.maxThroughputDrop,
    )
    .option(
      '--max-error-rate-increase <pp>',
      'allowed rise of an error rate in percentage points (total and by class), e.g. 0.5pp',
      points('--max-error-rate-increase'),
      DEFAULT_RULES.maxErrorRateIncrease,
    )
    .option('--agent <name>', 'judge only this agent (its name in either run); the rest is shown for context')
    .option('--force', 'compare runs of different profiles or load schedules anyway')
    .option('--json', 'print the verdict object as JSON on stdout (warnings still go to stderr)')
    .option('--out <dir>', 'where compare.md and compare.html go (default: the candidate folder)')
    .action(
      action(async (baseline: string, candidate: string, flags: CompareFlags) => {
        const comparison = await compareRuns({
          baselineDir: baseline,
          candidateDir: candidate,
          rules: {
            maxP50Increase: flags.maxP50Increase,
            maxP99Increase: flags.maxP99Increase,
            maxThroughputDrop: flags.maxThroughputDrop,
            maxErrorRateIncrease: flags.maxErrorRateIncrease,
          },
          ...(flags.agent === undefined ? {} : { agent: flags.agent }),
          force: flags.force ?? false,
        });
        const written = await writeCompareReports(flags.out ?? candidate, comparison);
        for (const w of comparison.warnings) process.stderr.write(`ptaload: warning: ${w}\n`);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
        } else {
          process.stdout.write(`${renderCompareText(comparison)}wrote ${written.join(', ')}\n`);
        }
        return comparison.regression ? EXIT.failed : EXIT.ok;
      }),
    );
}

const NUMBER = /^\s*(\d+(?:\.\d+)?)\s*(%|pp)?\s*$/;

/** `10%`, `10 %` or `10`: a percentage, returned as a fraction (0.1). */
function percent(flag: string): (value: string) => number {
  return (value) => {
    const m = NUMBER.exec(value);
    if (!m || m[2] === 'pp' || Number(m[1]) > 1000) {
      throw new InvalidArgumentError(
        `${flag} takes a percentage like 10% (from 0% to 1000%), got '${value}'.`,
      );
    }
    return Number(m[1]) / 100;
  };
}

/** `0.5pp`, `0.5%` or `0.5`: percentage points of an error rate, returned as a fraction (0.005). */
function points(flag: string): (value: string) => number {
  return (value) => {
    const m = NUMBER.exec(value);
    if (!m || Number(m[1]) > 100) {
      throw new InvalidArgumentError(
        `${flag} takes percentage points like 0.5pp (from 0pp to 100pp), got '${value}'.`,
      );
    }
    return Number(m[1]) / 100;
  };
}
