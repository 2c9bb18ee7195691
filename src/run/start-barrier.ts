/** When a shard's time zero falls: a fixed instant (--start-at), or the instant all shards agree on at a barrier folder. */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { EXIT, PtaloadError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../results/atomic-write.js';

/** The wall clock and waiting, injected so tests of the barrier do not sleep. */
export interface BarrierClock {
  nowEpochMs(): number;
  wait(ms: number, signal?: AbortSignal): Promise<void>;
}

const SYSTEM_CLOCK: BarrierClock = {
  nowEpochMs: () => Date.now(),
  wait: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/** The shards could not be started together (a shard never arrived, or arrived too late). */
class StartError extends PtaloadError {
  constructor(message: string) {
    super('START_FAILED', message, EXIT.target);
  }
}

export interface BarrierSpec {
  readonly dir: string;
  readonly index: number;
  readonly count: number;
  /** Shared by every shard of one run (`--run-id`). */
  readonly runId: string;
  readonly profileSha256: string;
  /** Time zero = the last shard's arrival + lead: long enough for every shard to see that arrival. */
  readonly leadMs: number;
  readonly pollMs: number;
  readonly timeoutMs: number;
}

export const BARRIER_DEFAULTS = { leadMs: 3000, pollMs: 250, timeoutMs: 600_000 } as const;

const announcementSchema = z.object({
  runId: z.string(),
  index: z.int().min(0),
  count: z.int().min(1),
  profileSha256: z.string(),
  arrivedAtEpochMs: z.number(),
  host: z.string(),
});
type Announcement = z.infer<typeof announcementSchema>;

const fileOf = (index: number) => `shard-${index}.json`;

/**
 * Announces this shard in the barrier folder (a volume every shard shares), waits until all `count` shards
 * of the same run are there, and returns time zero. Every shard computes it from the same files, so all agree
 * without a coordinator: a barrier needs no fixed lead time over pod scheduling, only over polling.
 */
export async function waitAtBarrier(
  spec: BarrierSpec,
  opts: { clock?: BarrierClock; signal?: AbortSignal; log?: (line: string) => void } = {},
): Promise<number> {
  const clock = opts.clock ?? SYSTEM_CLOCK;
  await mkdir(spec.dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--barrier ${spec.dir}: cannot create the folder (${err.code ?? err.message}).`);
  });
  const mine: Announcement = {
    runId: spec.runId,
    index: spec.index,
    count: spec.count,
    profileSha256: spec.profileSha256,
    arrivedAtEpochMs: clock.nowEpochMs(),
    host: hostname(),
  };
  await writeFileAtomic(join(spec.dir, fileOf(spec.index)), `${JSON.stringify(mine)}\n`);
  opts.log?.(`barrier: shard ${spec.index}/${spec.count} waiting for the others in ${spec.dir}`);
  const deadline = mine.arrivedAtEpochMs + spec.timeoutMs;
  for (;;) {
    const present = await readAnnouncements(spec);
    if (present.size === spec.count) {
      const last = Math.max(...[...present.values()].map((a) => a.arrivedAtEpochMs));
      const zero = last + spec.leadMs;
      const now = clock.nowEpochMs();
      if (now > zero) {
        throw new StartError(
          `--barrier ${spec.dir}: this shard saw the last shard arrive ${Math.round(now - last)} ms after it did, past the ${spec.leadMs} ms lead, so it cannot start with the others; raise --barrier-lead, and start the run again with a new --run-id.`,
        );
      }
      opts.log?.(`barrier: all ${spec.count} shards present; time zero ${new Date(zero).toISOString()}`);
      return zero;
    }
    if (clock.nowEpochMs() >= deadline) {
      const missing = range(spec.count).filter((i) => !present.has(i));
      throw new StartError(
        `--barrier ${spec.dir}: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${spec.count} did not arrive within ${Math.round(spec.timeoutMs / 1000)} s; check that every shard was scheduled (kubectl get pods), or raise --barrier-timeout.`,
      );
    }
    await clock.wait(spec.pollMs, opts.signal);
  }
}

async function readAnnouncements(spec: BarrierSpec): Promise<Map<number, Announcement>> {
  const found = new Map<number, Announcement>();
  for (const name of await readdir(spec.dir)) {
    if (!/^shard-\d+\.json$/.test(name)) continue;
    let parsed: Announcement;
    try {
      parsed = announcementSchema.parse(JSON.parse(await readFile(join(spec.dir, name), 'utf8')));
    } catch {
      continue; // written atomically, so only a foreign file can be unreadable: judged below by its absence
    }
    const foreign =
      parsed.runId !== spec.runId
        ? `run '${parsed.runId}', not '${spec.runId}'`
        : parsed.count !== spec.count
          ? `${parsed.count} shards, not ${spec.count}`
          : parsed.profileSha256 !== spec.profileSha256
            ? 'a different profile'
            : undefined;
    if (foreign) {
      throw new StartError(
        `--barrier ${spec.dir}: ${name} belongs to ${foreign}; give every run its own barrier folder (and every shard the same profile and --shard i/${spec.count}).`,
      );
    }
    found.set(parsed.index, parsed);
  }
  return found;
}

/** `--start-at`: an ISO 8601 time with its zone (2026-12-01T08:00:00Z), which must still be ahead when workers are ready. */
export function parseStartAt(text: string): number {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim());
  const at = Date.parse(text.trim());
  if (!zoned || Number.isNaN(at)) {
    throw new UsageError(
      `--start-at: expected an ISO 8601 time with its zone, like 2026-12-01T08:00:00Z, got '${text}'.`,
    );
  }
  return at;
}

/** Time zero at a fixed instant: refused when the instant has already passed (the shards would not start together). */
export function startAtInstant(at: number, clock: BarrierClock = SYSTEM_CLOCK): number {
  const now = clock.nowEpochMs();
  if (now >= at) {
    throw new StartError(
      `--start-at ${new Date(at).toISOString()} had passed ${Math.round(now - at)} ms before the workers were ready; choose a later time.`,
    );
  }
  return at;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
