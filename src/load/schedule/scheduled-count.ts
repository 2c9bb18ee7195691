/** How many arrivals the seeded schedule drew per interval: what the sends of an interval are judged against. */
import { type ArrivalOptions, ArrivalSchedule, type SchedulePhase } from './arrival-schedule.js';

type Share = { readonly index: number; readonly count: number };

/**
 * Walks the very arrival streams this harness's workers walk (one per share: uniform shares step through one
 * global sequence, Poisson shares are their own seeded streams) and counts, per time span, what they drew.
 * Spans must be asked in ascending order; a Poisson run then reports the 228 arrivals it drew, not the 250 its
 * mean rate implies.
 */
export class ScheduledCounter {
  private readonly schedules: ArrivalSchedule[];
  private readonly nextAt: (number | undefined)[];

  constructor(
    phases: readonly SchedulePhase[],
    options: Omit<ArrivalOptions, 'share'>,
    shares: readonly Share[],
  ) {
    this.schedules = shares.map((share) => new ArrivalSchedule(phases, { ...options, share }));
    this.nextAt = this.schedules.map((s) => s.next());
  }

  /** Arrivals intended in [fromMs, toMs). Earlier arrivals not yet counted are passed over. */
  count(fromMs: number, toMs: number): number {
    let n = 0;
    this.schedules.forEach((schedule, i) => {
      let at = this.nextAt[i];
      while (at !== undefined && at < toMs) {
        if (at >= fromMs) n++;
        at = schedule.next();
      }
      this.nextAt[i] = at;
    });
    return n;
  }
}

/** The shares this harness's workers own: worker w of shard s (of S shards, W workers each) is share s·W + w of S·W. */
export function ownedShares(workers: number, shard?: { index: number; count: number }): Share[] {
  const s = shard ?? { index: 0, count: 1 };
  return Array.from({ length: workers }, (_, w) => ({
    index: s.index * workers + w,
    count: s.count * workers,
  }));
}
