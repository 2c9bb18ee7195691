import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { rebuildReports } from '../report/rebuild.js';
import { RESULTS_FILES } from '../results/run-info.js';
import { action } from './fail.js';
import { writeJunit } from './junit-file.js';

interface ReportFlags {
  json?: boolean;
  quiet?: boolean;
  junit?: string;
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Rebuild summary.json, report.md and report.html of a results folder from its run.json and interval log alone. ' +
        'Exits 1 when the profile’s thresholds fail, like the run did.',
    )
    .argument('<dir>', 'results folder written by `ptaload run`')
    .option('--json', 'print summary.json to stdout')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--junit <file>', 'also write the thresholds as JUnit XML (one test case each) for CI')
    .action(
      action(async (dir: string, flags: ReportFlags) => {
        const summary = await rebuildReports(dir);
        if (flags.junit) await writeJunit(flags.junit, [summary]);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        } else if (!flags.quiet) {
          const failed = summary.thresholds.filter((t) => !t.ok);
          const lines = [
            `${summary.profile}: ${summary.status}, ${summary.durationS} s, ${summary.requests.completed} replies`,
            summary.thresholds.length === 0
              ? 'no thresholds'
              : failed.length === 0
                ? `thresholds: all ${summary.thresholds.length} passed`
                : `thresholds: ${failed.length} of ${summary.thresholds.length} FAILED: ${failed.map((t) => t.expression).join('; ')}`,
            ...summary.notes.map((n) => `note: ${n}`),
            `wrote ${[RESULTS_FILES.summary, RESULTS_FILES.markdown, RESULTS_FILES.html].map((f) => join(dir, f)).join(', ')}`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return summary.passed ? EXIT.ok : EXIT.failed;
      }),
    );
}
