import type { Command } from 'commander';
import { loadProfile } from '../profile/load.js';
import { profileWarnings, summarizeProfile, type UsersFacts } from '../profile/summary.js';
import { readUsersFile } from '../users/csv.js';
import { action } from './fail.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a profile (and its users file) without running it; print what it would do.')
    .argument('<profile>', 'profile file (YAML or JSON)')
    .option('--json', 'print the resolved profile (normalised values: ms, per second, fractions) as JSON')
    .action(
      action(async (path: string, flags: { json?: boolean }) => {
        const { profile } = await loadProfile(path);
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
        const lines = [`${path}: ok`, ...summarizeProfile(profile, users)];
        for (const w of profileWarnings(profile, users)) lines.push(`  warning: ${w}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }),
    );
}
