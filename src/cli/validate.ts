import type { Command } from 'commander';
import { profileWarnings, summarizeProfile, type UsersFacts } from '../profile/describe.js';
import { formatIssues } from '../profile/issues.js';
import { checkFields, finishProfile, loadedFrom, readProfileDocument } from '../profile/load.js';
import { applyLoadOverrides, describeLoadOverrides, givenLoadOverrides } from '../profile/overrides.js';
import { safetyInForce } from '../targets/entra/tighten-only.js';
import { readUsersFile } from '../users/csv.js';
import { action } from './fail.js';
import { addLoadOptions, type LoadOptionValues, parseLoadOptions } from './load-options.js';

export function register(program: Command): void {
  const cmd = program
    .command('validate')
    .description('Check a profile (and its users file) without running it; print what it would do.')
    .argument('<profile>', 'profile file (YAML or JSON)')
    .option('--json', 'print the resolved profile (normalised values: ms, per second, fractions) as JSON')
    .action(
      action(async (path: string, flags: LoadOptionValues & { json?: boolean }) => {
        const load = parseLoadOptions(flags);
        // The same typed path as `run`: read once, the load flags written in, then cross-checked.
        const doc = await readProfileDocument(path);
        const raw = applyLoadOverrides(checkFields(doc), load);
        const { profile } = loadedFrom(finishProfile(raw, doc, givenLoadOverrides(load)), doc);
        let users: UsersFacts | undefined;
        if (profile.users.file !== undefined) {
          const list = await readUsersFile(profile.users.file);
          const states: Record<string, number> = {};
          for (const u of list) states[u.state] = (states[u.state] ?? 0) + 1;
          users = { count: list.length, states };
        }
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
          return 0;
        }
        const overridden = describeLoadOverrides(load);
        const lines = [
          `${path}: ok${overridden ? ` with ${overridden} (the file alone runs otherwise)` : ''}`,
          ...summarizeProfile(profile, users),
        ];
        for (const w of profileWarnings(profile, users)) lines.push(`  warning: ${w}`);
        // validate takes no real-tenant flags: a profile that loosens an interlock is legal, but run refuses it alone.
        const safe = safetyInForce(raw, {});
        if ('loosened' in safe) {
          const where = formatIssues(
            safe.loosened.map((l) => ({ path: [...l.path], message: l.message })),
            path,
            doc.source,
          );
          for (const w of where.split('\n'))
            lines.push(`  warning: run and preflight refuse this without its flag: ${w}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }),
    );
  addLoadOptions(cmd);
}
