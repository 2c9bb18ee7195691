/** How many arrivals the seeded schedule drew per interval: what the sends of an interval are judged against. */
import { type ArrivalOptions, ArrivalSchedule, type SchedulePhase } from './arrival-schedule.js';

/**
 * Walks the run's one global arrival sequence (the very one the workers split between them) and counts, per
 * time span, the arrivals that belong to `keep` (this shard's workers' shares). Spans must be asked in
 * ascending order; a Poisson run then reports the 228 arrivals it drew, not the 250 its mean rate implies.
 */
export class ScheduledCounter {
  private readonly schedule: ArrivalSchedule;
  private nextAt: number | undefined;
  private index = 0;

  constructor(
    phases: readonly SchedulePhase[],
    options: Omit<ArrivalOptions, 'share'>,
    private readonly keep: (globalIndex: number) => boolean = () => true,
  ) {
    this.schedule = new ArrivalSchedule(phases, options);
    this.nextAt = this.schedule.next();
  }

  /** Arrivals intended in [fromMs, toMs) that `keep` accepts. Earlier arrivals not yet counted are passed over. */
  count(fromMs: number, toMs: number): number {
    let n = 0;
    while (this.nextAt !== undefined && this.nextAt < toMs) {
      if (this.nextAt >= fromMs && this.keep(this.index)) n++;
      this.index++;
      this.nextAt = this.schedule.next();
    }
    return n;
  }
}

/**
 * The global arrival indexes a sharded harness's workers own: worker w of shard s (of S shards, W workers each)
 * keeps every (S·W)-th arrival from s·W + w, so the shard keeps those whose index mod S·W lies in [s·W, s·W + W).
 */
export function shardKeeps(
  workers: number,
  shard?: { index: number; count: number },
): (i: number) => boolean {
  if (!shard || shard.count === 1) return () => true;
  const period = shard.count * workers;
  const from = shard.index * workers;
  return (i) => {
    const r = i % period;
    return r >= from && r < from + workers;
  };
}
