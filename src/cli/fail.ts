import { EXIT, PtaloadError } from '../errors.js';

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
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(
    `ptaload: unexpected internal error: ${message}. This is a bug in ptaload; run again with PTALOAD_DEBUG=1 for details and report it.\n`,
  );
  if (process.env.PTALOAD_DEBUG && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  return EXIT.failed;
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
