import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_GENERATOR_LIMITS,
  GENERATOR_LIMIT_FLAGS,
  type GeneratorLimits,
  parseGeneratorLimits,
} from '../analysis/generator-health.js';
import { EXIT } from '../errors.js';
import { shippedProfile } from '../profile/shipped.js';
import { OVERRIDE_RANGES } from '../run/check-overrides.js';
import { addEntraOptions, type EntraOptionValues, parseEntraOptions } from './entra-options.js';
import { action } from './fail.js';
import { intInRange, remoteWriteUrl } from './flags.js';
import { takeInterrupts } from './interrupts.js';
import { writeJunit } from './junit-file.js';
import { ProgressFigures } from './live-figures.js';
import { addLoadOptions, type LoadOptionValues, parseLoadOptions, parseShard } from './load-options.js';
import { printSummary, printSweep } from './print-summary.js';
import { createProgress } from './progress.js';
import { addStartOptions, parseStartOptions, type StartOptionValues } from './start-options.js';

interface RunFlags extends EntraOptionValues, StartOptionValues, LoadOptionValues {
  out?: string;
  overwrite?: boolean;
  workers?: number;
  connections?: number;
  seed?: number;
  shard?: string;
  quiet?: boolean;
  verbose?: boolean;
  json?: boolean;
  junit?: string;
  metricsPort?: number;
  metricsHost?: string;
  prometheusRemoteWrite?: string;
  generatorLimits?: Partial<GeneratorLimits>;
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description(
      'Run a load profile (default: the quickstart against the embedded simulated tenant) and write a results folder.',
    )
    .argument(
      '[profile]',
      'profile file (YAML or JSON); default: the quickstart profile shipped with ptaload',
    )
    .option('-o, --out <dir>', 'results folder (default results/<UTC stamp>-<profile name>)')
    .option('--overwrite', 'replace the results of an earlier run at --out (refused without it)')
    .option(
      '--workers <n>',
      'worker threads firing requests',
      intInRange('--workers', ...OVERRIDE_RANGES.workers),
    )
    .option(
      '--connections <n>',
      'cap on open connections across workers',
      intInRange('--connections', ...OVERRIDE_RANGES.connections),
    )
    .option(
      '--seed <n>',
      'seed for arrivals, generated users and the simulator',
      intInRange('--seed', ...OVERRIDE_RANGES.seed),
    )
    .option('--shard <i/n>', 'run share i of n side-by-side harnesses (disjoint users, 1/n of the rate)')
    .option('-q, --quiet', 'no live progress')
    .option('-v, --verbose', "also show the target's own log lines (the simulator's, hooks')")
    .option('--json', 'print summary.json to stdout when done')
    .option(
      '--metrics-port <port>',
      'serve live Prometheus metrics on http://127.0.0.1:<port>/metrics (0: any free port)',
      intInRange('--metrics-port', 0, 65_535),
    )
    .option(
      '--metrics-host <address>',
      'address for --metrics-port to listen on (default 127.0.0.1; 0.0.0.0 to let other machines scrape)',
    )
    .option(
      '--prometheus-remote-write <url>',
      'push live metrics to a Prometheus remote-write endpoint, e.g. http://127.0.0.1:9090/api/v1/write',
    )
    .option('--junit <file>', 'also write the thresholds as JUnit XML (one test case each) for CI')
    .option(
      '--generator-limits <list>',
      `when the run measures the generator, not the tenant (exit 4), e.g. "late=5%,slip=100ms"; names ${Object.keys(GENERATOR_LIMIT_FLAGS).join(', ')}; defaults ${defaultLimitsText()}`,
      generatorLimitsFlag,
    )
    .action(
      action(async (profileArg: string | undefined, flags: RunFlags) => {
        // Found beside the installed package, not in the current folder: `npx ptaload run` works anywhere.
        const profile = profileArg ?? shippedProfile('quickstart.yaml');
        const remoteWrite = flags.prometheusRemoteWrite
          ? remoteWriteUrl(flags.prometheusRemoteWrite)
          : undefined;
        // Every flag checked before anything starts, so a typo costs no target start-up.
        const overrides = {
          ...(flags.out ? { out: flags.out } : {}),
          ...(flags.overwrite ? { overwrite: true } : {}),
          ...(flags.workers ? { workers: flags.workers } : {}),
          ...(flags.connections ? { connections: flags.connections } : {}),
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
          ...(flags.generatorLimits ? { generatorLimits: flags.generatorLimits } : {}),
          live: {
            ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
            ...(flags.metricsHost ? { metricsHost: flags.metricsHost } : {}),
            ...(remoteWrite ? { remoteWrite } : {}),
          },
          entra: parseEntraOptions(flags),
          ...parseStartOptions(flags, flags.shard !== undefined),
          load: parseLoadOptions(flags),
        };
        const progress = createProgress(flags.quiet ? 'quiet' : 'auto');
        const controller = new AbortController();
        let interrupts = 0;
        const onSignal = () => {
          interrupts++;
          if (interrupts === 1) {
            progress.log(
              'interrupted: stopping the schedule and writing results (press Ctrl-C again to quit at once)',
            );
            controller.abort();
          } else {
            process.exit(EXIT.interrupted);
          }
        };
        // A signal that came while the program was still loading is handed over here, at once.
        const releaseSignals = takeInterrupts(onSignal);
        const figures = new ProgressFigures();
        try {
          // Loaded on use: every other command starts faster without the load engine.
          const { runSession } = await import('../run/run-session.js');
          const result = await runSession(
            profile,
            overrides,
            {
              log: (line) => progress.log(line),
              targetLog: (line) => {
                if (flags.verbose) progress.log(line);
              },
              interval: (record, histograms) => figures.addInterval(record, histograms),
              progress: (now) => progress.update(figures.frame(now)),
            },
            controller.signal,
          );
          progress.close();
          if (flags.junit) {
            await writeJunit(
              flags.junit,
              result.kind === 'sweep' ? result.summaries.map((r) => r.summary) : [result.summary],
            );
          }
          if (result.kind === 'sweep') {
            if (flags.json) process.stdout.write(`${JSON.stringify(result.index, null, 2)}\n`);
            else printSweep(result, process.stdout);
          } else if (flags.json) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
          else printSummary(result.summary, result.dir, process.stdout);
          // Which breaker (or what of the target) stopped the run, and what to do: on stderr, even with --quiet.
          if (result.kind === 'run' && result.failure) process.stderr.write(`ptaload: ${result.failure}\n`);
          return result.exitCode;
        } finally {
          progress.close();
          releaseSignals();
        }
      }),
    );
  addLoadOptions(cmd);
  addEntraOptions(cmd);
  addStartOptions(cmd);
}

function generatorLimitsFlag(text: string): Partial<GeneratorLimits> {
  const parsed = parseGeneratorLimits(text);
  if (!parsed.ok) {
    throw new InvalidArgumentError(
      `--generator-limits: ${parsed.error}. Give name=value pairs, e.g. --generator-limits "late=5%,slip=100ms,loop=100ms,busy=95%,queued=50%".`,
    );
  }
  return parsed.limits;
}

function defaultLimitsText(): string {
  const d = DEFAULT_GENERATOR_LIMITS;
  return `late=${d.lateShare * 100}%,slip=${d.slipP99Ms}ms,loop=${d.loopDelayP99Ms}ms,busy=${d.busyShare * 100}%,queued=${d.queuedShare * 100}%`;
}
