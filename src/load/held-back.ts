import type { WorkerResult } from './worker-protocol.js';

/**
 * The pauses a run took on 429 `Retry-After`: overlapping pauses (several workers told at once) count as
 * one, and the time paused is the union of the windows, cut at the end of the run.
 */
export class PauseLog {
  private readonly windows: { from: number; until: number }[] = [];

  add(fromMs: number, untilMs: number): void {
    const last = this.windows[this.windows.length - 1];
    if (last && fromMs <= last.until) last.until = Math.max(last.until, untilMs);
    else this.windows.push({ from: fromMs, until: untilMs });
  }

  summary(endMs: number): { pauses: number; pausedMs: number } {
    let pausedMs = 0;
    for (const w of this.windows) pausedMs += Math.max(0, Math.min(w.until, endMs) - w.from);
    return { pauses: this.windows.length, pausedMs };
  }
}

/** Notes for the results on arrivals the run did not send, and why. Empty when it sent them all. */
export function heldBackNotes(
  pauses: { pauses: number; pausedMs: number },
  results: readonly WorkerResult[],
): string[] {
  const sum = (k: 'paused' | 'paced' | 'capped' | 'saturated') =>
    results.reduce((a, r) => a + (r.skippedBy?.[k] ?? 0), 0);
  const notes: string[] = [];
  if (pauses.pauses > 0) {
    notes.push(
      `throttled: the tenant throttled the run (HTTP 429, or AADSTS90055/90024); all workers paused ${pauses.pauses} time(s) for ${(pauses.pausedMs / 1000).toFixed(1)} s in total (as Retry-After asked, else 30 s for a tenant throttle), and ${sum('paused')} scheduled sign-in(s) were skipped while paused (throttled replies are counted apart, as 'throttled').`,
    );
  }
  const paced = sum('paced');
  if (paced > 0) {
    notes.push(
      `pacing: ${paced} scheduled sign-in(s) were skipped because every user had had its tries for the minute (or was resting after AADSTS50196, a client request loop); add users or lower the rate for the full load.`,
    );
  }
  const capped = sum('capped');
  if (capped > 0) {
    notes.push(
      `rate cap: ${capped} scheduled sign-in(s) were skipped to stay under the cap (target.maxRate / --max-rate).`,
    );
  }
  const saturated = sum('saturated');
  if (saturated > 0) {
    notes.push(
      `generator saturated: ${saturated} scheduled sign-in(s) were not sent because each worker already had as many waiting for a connection as it has connections (see 'saturated' per interval); the generator or the target was at capacity, so figures above it describe that limit. Raise load.connections or workers, or lower the rate.`,
    );
  }
  return notes;
}
