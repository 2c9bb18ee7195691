#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT } from '../errors.js';
import { toolVersion } from '../version.js';
import { registerCommands } from './commands.js';
import { reportFailure } from './fail.js';

// A throw that escapes every command's handler (a timer, a stream event) is a bug as well: exit 70, not Node's 1.
const crash = (err: unknown) => {
  process.exitCode = reportFailure(err);
  process.exit();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const program = new Command('ptaload')
  .description('Load-test Microsoft Entra ID Pass-through Authentication agents.')
  .version(toolVersion(), '-V, --version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`ptaload: ${text.replace(/^error: /, '')}`) });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and --version exit 0; every other commander complaint is a usage error.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.exitCode = reportFailure(err);
  }
}
