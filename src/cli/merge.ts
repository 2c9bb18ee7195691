import type { Command } from 'commander';
import { EXIT } from '../errors.js';
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
    .option('--force', 'merge folders that ran different profiles')
    .option('--json', 'print the merged summary.json to stdout')
    .action(
      action(async (folders: string[], flags: { out: string; force?: boolean; json?: boolean }) => {
        const { warnings } = await mergeResults(folders, flags.out, { force: flags.force ?? false });
        const summary = await rebuildReports(flags.out);
        for (const w of warnings) process.stderr.write(`ptaload: warning: ${w}\n`);
        if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else printSummary(summary, flags.out, process.stdout);
        return summary.status === 'completed' ? (summary.passed ? EXIT.ok : EXIT.failed) : EXIT.failed;
      }),
    );
}
