/** The ptaload program: commander, its commands, and what becomes of a usage error or a crash. */
import { Command, CommanderError } from 'commander';
import { EXIT } from '../errors.js';
import { toolVersion } from '../version.js';
import { registerCommands } from './commands.js';
import { reportFailure } from './fail.js';
import { releaseInterrupts } from './interrupts.js';

// A throw that escapes every command's handler (a timer, a stream event) is a bug as well: exit 70, not Node's 1.
const crash = (err: unknown) => {
  process.exitCode = reportFailure(err);
  process.exit();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// A reader that stops reading (`ptaload run --help | head`) is not a bug: what was left to print is dropped,
// and a run still ends as it would, writing its results folder.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') crash(err);
  });
}

const program = new Command('ptaload')
  .description('Load-test Microsoft Entra ID Pass-through Authentication agents.')
  .version(toolVersion(), '-V, --version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`ptaload: ${text.replace(/^error: /, '')}`) });

registerCommands(program);
// Only run stops gracefully on a signal; every other command ends as Node's default has it.
program.hook('preAction', (_program, command) => {
  if (command.name() !== 'run') releaseInterrupts();
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and --version exit 0; every other commander complaint is a usage error.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.exitCode = reportFailure(err);
  }
} finally {
  releaseInterrupts();
}
