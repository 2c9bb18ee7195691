import { EXIT, PtaloadError } from '../errors.js';
import { toolVersion } from '../version.js';

/**
 * Turns anything thrown into one paragraph on stderr and an exit code. Users never see a stack trace
 * unless they ask for one with PTALOAD_DEBUG=1.
 */
export function reportFailure(err: unknown): number {
  if (err instanceof PtaloadError) {
    process.stderr.write(`ptaload: ${err.message}\n`);
    if (process.env.PTALOAD_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    return err.exitCode;
  }
  process.stderr.write(`${internalErrorText(err)}\n`);
  if (process.env.PTALOAD_DEBUG && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  return EXIT.internal;
}

/** Anything that is not a PtaloadError is ptaload's fault, not the user's: say so, and what a useful report holds. */
function internalErrorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `ptaload: internal error: ${message}. This is a bug in ptaload ${toolVersion()}, not a problem with your profile, flags or tenant. Please report it to the ptaload maintainers with the command you ran, the ptaload and Node.js versions, and the output of the same command run again with PTALOAD_DEBUG=1 (it adds the stack trace; remove passwords and secrets first). Exit code 70.`;
}

/** Wraps a command action so its failures become exit codes (set, not forced, so pending output drains). */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<number | undefined> | number | undefined,
) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT.ok;
    } catch (err) {
      process.exitCode = reportFailure(err);
    }
  };
}
