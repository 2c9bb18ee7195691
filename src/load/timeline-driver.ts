/** The agent timeline of a run: each event applied to the target at its scheduled time, and what came of it. */
import type { TimelineEvent } from '../profile/schema.js';
import type { AppliedEvent, Target } from '../targets/target.js';
import type { AgentRoster } from './agent-roster.js';
import type { Cancel, RunClock } from './clock.js';
import type { LoadSink } from './load-sink.js';

export interface TimelineDriverOptions {
  readonly events: readonly TimelineEvent[];
  readonly time: RunClock;
  readonly target: Pick<Target, 'kind' | 'applyEvent'>;
  /** This harness's shard (0 when not sharded). */
  readonly shardIndex: number;
  /** Learns who is in service from every event the target applied. */
  readonly roster: AgentRoster;
  readonly sink: Pick<LoadSink, 'timeline'>;
}

/**
 * Applies events on the run's clock from time zero: an event's time is when it is asked of the target, and
 * `appliedAtMs` records when that was. Events not yet due when the run stops are never applied.
 */
export class TimelineDriver {
  private readonly cancels: Cancel[] = [];
  private readonly outcomes: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly opts: TimelineDriverOptions) {}

  /** Arms every event; call once, at time zero. */
  start(): void {
    const { time } = this.opts;
    for (const event of this.opts.events) {
      this.cancels.push(
        time.clock.setTimeout(() => this.apply(event), Math.max(0, event.atMs - time.elapsed())),
      );
    }
  }

  /** No further event is applied; ones already asked of the target still report. */
  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** Resolves once every event asked of the target has been answered and handed to the sink. */
  async settled(): Promise<void> {
    await Promise.all(this.outcomes);
  }

  private apply(event: TimelineEvent): void {
    if (this.stopped) return;
    const { target, roster, sink } = this.opts;
    const appliedAtMs = this.opts.time.elapsed();
    // Shards of one real tenant share its agents: only the first shard runs the hooks.
    const mine = target.kind === 'sim' || this.opts.shardIndex === 0;
    const applying: Promise<AppliedEvent> = mine
      ? target.applyEvent(event)
      : Promise.resolve({ ok: true, agents: [], detail: { appliedBy: 'shard 0' } });
    this.outcomes.push(
      applying.then((applied) => {
        if (applied.ok) roster.apply(event, appliedAtMs, applied.agents);
        return sink.timeline({ ...applied, event, appliedAtMs });
      }),
    );
  }
}
