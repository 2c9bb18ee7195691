import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { writeUsersCsv } from '../users/csv.js';
import { generateUsers, MAX_GENERATED_USERS } from '../users/generate.js';
import { action } from './fail.js';
import { intInRange } from './flags.js';

interface GenerateFlags {
  count: number;
  domain: string;
  out: string;
  seed?: string;
  prefix?: string;
  force?: boolean;
}

export function register(program: Command): void {
  const users = program
    .command('users')
    .description('Test users: make a users CSV for the simulator or a test tenant.');
  users
    .command('generate')
    .description(
      'Write N users with strong random passwords as CSV username,password,state (file readable by you only).',
    )
    .requiredOption('--count <n>', 'how many users', intInRange('--count', 1, MAX_GENERATED_USERS))
    .requiredOption('--domain <domain>', 'verified domain the users live in, e.g. contoso.test')
    .requiredOption('--out <file>', 'CSV file to write')
    .option(
      '--seed <seed>',
      'make the file reproducible (anyone with the seed can recreate the passwords; leave it out for real tenants)',
    )
    .option('--prefix <prefix>', 'user name prefix', 'loadtest')
    .option('--force', 'overwrite the file if it exists')
    .action(
      action(async (flags: GenerateFlags) => {
        // Without a seed the passwords come from the OS's randomness, and the seed is never shown.
        const seed = flags.seed ?? randomBytes(32).toString('hex');
        const list = generateUsers({
          count: flags.count,
          domain: flags.domain,
          seed,
          ...(flags.prefix ? { prefix: flags.prefix } : {}),
        });
        await writeUsersCsv(flags.out, list, { force: flags.force ?? false });
        process.stdout.write(`wrote ${list.length} users to ${flags.out}\n`);
        return 0;
      }),
    );
}
