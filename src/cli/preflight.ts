import type { Command } from 'commander';
import { EXIT } from '../errors.js';
import { addEntraOptions, type EntraOptionValues, parseEntraOptions } from './entra-options.js';
import { action } from './fail.js';
import { addLoadOptions, type LoadOptionValues, parseLoadOptions } from './load-options.js';

interface PreflightFlags extends EntraOptionValues, LoadOptionValues {
  json?: boolean;
  verbose?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('preflight')
    .description(
      'Check a real test tenant before any load: discovery, realm (PTA needs a managed domain), one sign-in, the public-client setting. Exit 0 ready, 3 not ready.',
    )
    .argument('[profile]', 'profile with target.kind: entra (or give --tenant, --client-id and --users)')
    .option('--json', 'print the checks as JSON')
    .option('-v, --verbose', 'also say how the tenant is reached (proxy, CA, client type)')
    .action(
      action(async (path: string | undefined, flags: PreflightFlags) => {
        const bag = parseEntraOptions(flags);
        const load = parseLoadOptions(flags);
        // Loaded on use, like run: other commands start faster without the transport.
        const { flagsOnlyProfile, loadRunProfile } = await import('../run/run-profile.js');
        const { runPreflight } = await import('../targets/entra/preflight.js');
        const loaded =
          path === undefined ? flagsOnlyProfile(bag, load) : await loadRunProfile(path, { entra: bag, load });
        const report = await runPreflight(loaded, {
          entra: bag,
          env: process.env,
          log: (line) => {
            if (flags.verbose) process.stderr.write(`${line}\n`);
          },
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          const width = Math.max(...report.checks.map((c) => c.name.length));
          const lines = [`ptaload preflight: tenant ${report.tenant} at ${report.authority}`];
          for (const c of report.checks) {
            lines.push(`  ${c.status.toUpperCase().padEnd(4)}  ${c.name.padEnd(width)}  ${c.detail}`);
          }
          const failed = report.checks.filter((c) => c.status === 'fail').length;
          lines.push(
            report.ready
              ? `verdict: READY (${report.requests} request(s) made). ptaload run may send load to this tenant.`
              : `verdict: NOT READY: ${failed} check(s) failed (${report.requests} request(s) made). Fix them and run preflight again before any load.`,
          );
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return report.ready ? EXIT.ok : EXIT.target;
      }),
    );
  addEntraOptions(cmd);
  addLoadOptions(cmd, { agents: false });
}
