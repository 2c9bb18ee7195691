/** The flags that start side-by-side shards together: --run-id, --start-at, --barrier and its limits. */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { DURATION_HINT, NAME_PATTERN, parseDurationMs } from '../profile/quantities.js';
import type { RunOverrides } from '../run/settings.js';
import { BARRIER_DEFAULTS, parseStartAt } from '../run/start-barrier.js';

export interface StartOptionValues {
  runId?: string;
  startAt?: string;
  barrier?: string;
  barrierLead?: string;
  barrierTimeout?: string;
}

export function addStartOptions(cmd: Command): Command {
  return cmd
    .option(
      '--run-id <id>',
      'the run this shard belongs to: the same for every shard (default <profile>-<hash>)',
    )
    .option('--start-at <time>', 'start time zero at this instant, e.g. 2026-12-01T08:00:00Z (any scheduler)')
    .option('--barrier <dir>', 'a folder every shard shares: all start together once all n have announced')
    .option(
      '--barrier-lead <duration>',
      `time zero after the last shard arrives (default ${BARRIER_DEFAULTS.leadMs / 1000}s)`,
    )
    .option(
      '--barrier-timeout <duration>',
      `give up when a shard is missing this long (default ${BARRIER_DEFAULTS.timeoutMs / 60_000}m)`,
    );
}

export function parseStartOptions(
  v: StartOptionValues,
  sharded: boolean,
): Pick<RunOverrides, 'start' | 'runId'> {
  if (v.runId !== undefined && !NAME_PATTERN.test(v.runId)) {
    throw new UsageError(`--run-id: expected 1-64 letters, digits, '.', '_' or '-', got '${v.runId}'.`);
  }
  if (v.startAt !== undefined && v.barrier !== undefined) {
    throw new UsageError('give --start-at or --barrier, not both: each one alone says when time zero falls.');
  }
  if (v.barrier !== undefined && !sharded) {
    throw new UsageError('--barrier starts the shards of one run together: give --shard i/n with it.');
  }
  if ((v.barrierLead !== undefined || v.barrierTimeout !== undefined) && v.barrier === undefined) {
    throw new UsageError('--barrier-lead and --barrier-timeout go with --barrier <dir>.');
  }
  const duration = (flag: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms <= 0)
      throw new UsageError(`${flag}: expected ${DURATION_HINT}, got '${text}'.`);
    return ms;
  };
  const start: RunOverrides['start'] =
    v.startAt !== undefined
      ? { kind: 'at', epochMs: parseStartAt(v.startAt) }
      : v.barrier !== undefined
        ? {
            kind: 'barrier',
            dir: v.barrier,
            leadMs: duration('--barrier-lead', v.barrierLead, BARRIER_DEFAULTS.leadMs),
            timeoutMs: duration('--barrier-timeout', v.barrierTimeout, BARRIER_DEFAULTS.timeoutMs),
          }
        : undefined;
  return { ...(start ? { start } : {}), ...(v.runId !== undefined ? { runId: v.runId } : {}) };
}
