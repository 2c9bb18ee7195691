/** `ptaload attribute`: adds per-agent figures from Entra's sign-in logs to a real-tenant results folder. */
import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import { DURATION_HINT, parseDurationMs } from '../profile/quantities.js';
import { rebuildReports } from '../report/rebuild.js';
import { action } from './fail.js';
import { intInRange } from './flags.js';

interface AttributeFlags {
  graphClientId?: string;
  graphSecretEnv?: string;
  graphCertificate?: string;
  graphTokenEnv?: string;
  graphUrl?: string;
  wait: string;
  poll: string;
  settle: number;
  counters?: string[];
  graphBudget?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('attribute')
    .description(
      "Join a run's correlation ids with Entra's sign-in logs (Microsoft Graph) to add per-agent counts, error codes and Entra-side processing times to its results folder.",
    )
    .argument('<dir>', 'results folder of a run against a tenant (it keeps correlation.csv)')
    .option(
      '--graph-client-id <guid>',
      'app registration with AuditLog.Read.All (application permission) that reads the logs',
    )
    .option(
      '--graph-secret-env <name>',
      'environment variable holding that app’s client secret (default PTALOAD_GRAPH_CLIENT_SECRET)',
    )
    .option(
      '--graph-certificate <pem>',
      'PEM file with that app’s certificate and private key (instead of a secret)',
    )
    .option(
      '--graph-token-env <name>',
      'environment variable holding a ready Graph token (default PTALOAD_GRAPH_TOKEN)',
    )
    .option('--graph-url <url>', "Graph's origin when it is not the cloud's own (a stand-in tenant)")
    .option(
      '--wait <duration>',
      'how long to keep polling while the logs fill (they arrive minutes late)',
      '20m',
    )
    .option('--poll <duration>', 'time between passes over the logs', '60s')
    .option(
      '--settle <n>',
      'stop after this many passes in a row find nothing new',
      intInRange('--settle', 1, 100),
      3,
    )
    .option(
      '--graph-budget <n/duration>',
      'at most n Graph requests per duration (default 5/10s, the reporting API’s published limit)',
    )
    .option(
      '--counters <csv...>',
      'also import agents’ “#PTA authentications” counters (typeperf / Export-Counter CSV)',
    )
    .option('-q, --quiet', 'no progress lines')
    .addHelpText(
      'after',
      `
Examples:
  export PTALOAD_GRAPH_CLIENT_SECRET=…   # the log-reading app's secret
  ptaload attribute results/20261201T080000Z-monday-burst --graph-client-id 5f3c…
  PTALOAD_GRAPH_TOKEN=$(az account get-access-token --resource-type ms-graph --query accessToken -o tsv) \\
    ptaload attribute results/20261201T080000Z-monday-burst --wait 30m`,
    )
    .action(
      action(async (dir: string, flags: AttributeFlags) => {
        const duration = (flag: string, text: string) => {
          const ms = parseDurationMs(text);
          if (ms === undefined) throw new UsageError(`${flag}: expected ${DURATION_HINT}, got '${text}'.`);
          return ms;
        };
        const log = (line: string) => {
          if (!flags.quiet) process.stderr.write(`${line}\n`);
        };
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          const { attributeRun } = await import('../attribute/attribute-run.js');
          const file = await attributeRun(dir, {
            graph: {
              ...(flags.graphClientId ? { clientId: flags.graphClientId } : {}),
              ...(flags.graphSecretEnv ? { secretEnv: flags.graphSecretEnv } : {}),
              ...(flags.graphCertificate ? { certificate: flags.graphCertificate } : {}),
              ...(flags.graphTokenEnv ? { tokenEnv: flags.graphTokenEnv } : {}),
            },
            ...(flags.graphUrl ? { graphUrl: flags.graphUrl } : {}),
            waitMs: duration('--wait', flags.wait),
            pollMs: duration('--poll', flags.poll),
            settleAfter: flags.settle,
            ...(flags.graphBudget ? { budget: budget(flags.graphBudget, duration) } : {}),
            env: process.env,
            log,
            signal: controller.signal,
          });
          if (flags.counters) {
            const { importCounters } = await import('../attribute/counters.js');
            await importCounters(dir, flags.counters, log);
          }
          await rebuildReports(dir);
          const c = file.coverage;
          process.stdout.write(
            `${dir}: ${c.found} of ${c.sent} sign-ins found in the sign-in logs (${Math.round(c.share * 1000) / 10} %), ${file.agents.length} agent(s) named${file.unknownAgents.length ? `, ${file.unknownAgents.length} unknown agent GUID(s)` : ''}; wrote attribution.json and the reports\n`,
          );
          for (const a of file.agents) {
            process.stdout.write(
              `  ${a.name}: ${a.requests} sign-ins, Entra processing p50 ${a.processingMs.p50 ?? '–'} ms, p99 ${a.processingMs.p99 ?? '–'} ms\n`,
            );
          }
          return EXIT.ok;
        } catch (err) {
          if (controller.signal.aborted) {
            process.stderr.write(
              'ptaload: interrupted; what was fetched is kept in signins.jsonl and the next run of ptaload attribute continues from there.\n',
            );
            return EXIT.interrupted;
          }
          throw err;
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}

function budget(
  text: string,
  duration: (flag: string, text: string) => number,
): { requests: number; windowMs: number } {
  const m = /^\s*(\d+)\s*\/\s*(.+)$/.exec(text);
  const requests = m ? Number(m[1]) : Number.NaN;
  if (!m || !(requests >= 1))
    throw new UsageError(`--graph-budget: expected n/duration like 5/10s, got '${text}'.`);
  return { requests, windowMs: duration('--graph-budget', m[2]!) };
}
