/** Ctrl-C and SIGTERM from the first instant of the process: held until a command takes them, so none is lost. */

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

let pending: NodeJS.Signals | undefined;
let taker: ((signal: NodeJS.Signals) => void) | undefined;
let holding = false;

const hold = (signal: NodeJS.Signals): void => {
  if (taker) taker(signal);
  else pending ??= signal;
};

/**
 * Installed before the rest of the program loads. Until a command takes the signals (or releases them),
 * one that arrives is kept, not acted on: a run interrupted while it starts up must still stop, write its
 * folder and exit 130, rather than die half-made or, worse, never hear of it.
 */
export function holdInterrupts(): void {
  if (holding) return;
  holding = true;
  for (const s of SIGNALS) process.on(s, hold);
}

/**
 * A command that stops gracefully (run) takes the signals; one that came before is handed over at once.
 * Returns the release: from then on a signal ends the process as Node's default does.
 */
export function takeInterrupts(handle: (signal: NodeJS.Signals) => void): () => void {
  taker = handle;
  const early = pending;
  pending = undefined;
  if (early) handle(early);
  return () => {
    if (taker === handle) taker = undefined;
    releaseInterrupts();
  };
}

/** Commands without a graceful stop get the default back; a signal that came early ends the process now. */
export function releaseInterrupts(): void {
  if (!holding) return;
  holding = false;
  taker = undefined;
  for (const s of SIGNALS) process.off(s, hold);
  const early = pending;
  pending = undefined;
  if (early) process.kill(process.pid, early);
}
