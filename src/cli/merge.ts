import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { DURATION_HINT, parseDurationMs } from '../profile/quantities.js';
import { rebuildReports } from '../report/rebuild.js';
import { mergeResults } from '../results/merge-folders.js';
import { action } from './fail.js';
import { printSummary } from './print-summary.js';

export function register(program: Command): void {
  program
    .command('merge')
    .description(
      'Add the results folders of side-by-side harnesses (run with --shard i/n) into one results folder.',
    )
    .argument('<folders...>', 'results folders, one per shard')
    .requiredOption('-o, --out <dir>', 'the merged results folder to write')
    .option(
      '--force',
      'merge folders that ran different profiles or runs, or whose time zeros do not line up',
    )
    .option('--max-skew <duration>', 'accept time zeros this far apart (default a tenth of the interval)')
    .option('--overwrite', 'replace an earlier results folder at --out (refused without it)')
    .option('--json', 'print the merged summary.json to stdout')
    .action(
      action(
        async (
          folders: string[],
          flags: { out: string; force?: boolean; json?: boolean; maxSkew?: string; overwrite?: boolean },
        ) => {
          const maxSkewMs = flags.maxSkew === undefined ? undefined : parseDurationMs(flags.maxSkew);
          if (maxSkewMs === undefined && flags.maxSkew !== undefined) {
            throw new UsageError(`--max-skew: expected ${DURATION_HINT}, got '${flags.maxSkew}'.`);
          }
          const { warnings, check } = await mergeResults(folders, flags.out, {
            force: flags.force ?? false,
            overwrite: flags.overwrite ?? false,
            ...(maxSkewMs !== undefined ? { maxSkewMs } : {}),
          });
          if (check.alignment) process.stderr.write(`ptaload: shards aligned: ${check.alignment}\n`);
          const summary = await rebuildReports(flags.out);
          for (const w of warnings) process.stderr.write(`ptaload: warning: ${w}\n`);
          if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          else printSummary(summary, flags.out, process.stdout);
          return summary.status === 'completed' ? (summary.passed ? EXIT.ok : EXIT.failed) : EXIT.failed;
        },
      ),
    );
}
