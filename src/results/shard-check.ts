/** Whether results folders are the shards of one run: same run and profile, distinct indices, time zeros lined up. */
import { ResultsError } from '../errors.js';
import type { RunInfo } from './run-info.js';

export interface ShardCheck {
  readonly warnings: string[];
  /** How well the time zeros lined up, in words (absent when it could not be checked). */
  readonly alignment?: string;
  /** What the merged run.json records; absent when the folders do not say they are shards (older versions). */
  readonly merged?: NonNullable<RunInfo['merged']>;
}

/** Default alignment: a tenth of an interval, so no interval holds arrivals from two schedule seconds. */
export function defaultSkewToleranceMs(intervalMs: number): number {
  return intervalMs / 10;
}

/**
 * Refuses (exit 2) a shard given twice, a shard of another run or profile, mixed shard counts, and time zeros
 * further apart than the tolerance; `force` turns the profile, run and alignment refusals into warnings. A
 * missing shard is not refused: the merge is partial and says which.
 */
export function checkShards(
  shards: readonly { readonly dir: string; readonly run: RunInfo }[],
  opts: { force: boolean; maxSkewMs?: number },
): ShardCheck {
  const warnings: string[] = [];
  const refuse = (text: string, forcible: boolean) => {
    if (forcible && opts.force) warnings.push(`${text} (merged anyway: --force)`);
    else throw new ResultsError(`${text}${forcible ? ' Add --force to merge them anyway.' : ''}`);
  };
  // One folder given twice (under two spellings, or a copy) would count every sign-in twice.
  const seenRuns = new Map<string, string>();
  for (const s of shards) {
    const key = `${s.run.runId}|${s.run.startEpochMs}|${s.run.shard?.index ?? ''}`;
    const twice = seenRuns.get(key);
    if (twice !== undefined) {
      throw new ResultsError(
        `${twice} and ${s.dir} are the same run (run id ${s.run.runId}, same start): one results folder given twice, or a copy of it; merging would count its sign-ins twice. Give each folder once.`,
      );
    }
    seenRuns.set(key, s.dir);
  }
  const first = shards[0]!;
  for (const s of shards.slice(1)) {
    if (s.run.profile.name !== first.run.profile.name) {
      refuse(
        `${s.dir} ran profile '${s.run.profile.name}' but ${first.dir} ran '${first.run.profile.name}'; shards of one run share a profile.`,
        true,
      );
    }
  }
  const sharded = shards.filter((s) => s.run.shard);
  if (sharded.length === 0) {
    warnings.push('not every folder says it is a shard of the same run (--shard i/n); merged anyway.');
    return { warnings };
  }
  if (sharded.length < shards.length) {
    const plain = shards.find((s) => !s.run.shard)!;
    refuse(`${plain.dir} is not a shard (it ran without --shard i/n), but ${sharded[0]!.dir} is.`, true);
  }
  const count = sharded[0]!.run.shard!.count;
  const otherCount = sharded.find((s) => s.run.shard!.count !== count);
  if (otherCount) {
    throw new ResultsError(
      `${otherCount.dir} is a shard of ${otherCount.run.shard!.count} but ${sharded[0]!.dir} of ${count}; shards of one run share --shard i/n's n.`,
    );
  }
  const byIndex = new Map<number, string>();
  for (const s of sharded) {
    const i = s.run.shard!.index;
    const twice = byIndex.get(i);
    if (twice !== undefined) {
      throw new ResultsError(
        `${twice} and ${s.dir} are both shard ${i}/${count}: the same shard was given twice (or two harnesses ran with one --shard); give each shard's folder once.`,
      );
    }
    byIndex.set(i, s.dir);
  }
  // Folders from 0.2 on say which run and profile they belong to; older ones cannot be checked further.
  const modern = sharded.filter((s) => s.run.shard!.profileSha256 !== undefined);
  if (modern.length < sharded.length) {
    warnings.push(
      'some shards were written before ptaload 0.2: their run, profile and start alignment are not checked.',
    );
  }
  for (const s of modern.slice(1)) {
    const a = modern[0]!;
    if (s.run.runId !== a.run.runId) {
      refuse(
        `${s.dir} belongs to run '${s.run.runId}' but ${a.dir} to '${a.run.runId}': a shard from another run (start every shard with the same --run-id).`,
        true,
      );
    } else if (s.run.shard!.profileSha256 !== a.run.shard!.profileSha256) {
      refuse(`${s.dir} and ${a.dir} ran different profiles (their resolved profiles differ).`, true);
    }
  }
  const intervalMs = first.run.intervalMs;
  const toleranceMs = opts.maxSkewMs ?? defaultSkewToleranceMs(intervalMs);
  const zeros = sharded.map((s) => s.run.startEpochMs);
  const skewMs = Math.max(...zeros) - Math.min(...zeros);
  if (modern.length === sharded.length && skewMs > toleranceMs) {
    const early = sharded.find((s) => s.run.startEpochMs === Math.min(...zeros))!;
    const late = sharded.find((s) => s.run.startEpochMs === Math.max(...zeros))!;
    refuse(
      `the shards' time zeros are ${fmtMs(skewMs)} apart (${early.dir} first, ${late.dir} last), more than the ${fmtMs(toleranceMs)} tolerance, so their intervals would not line up; start shards together with --barrier or --start-at, or accept the skew with --max-skew.`,
      true,
    );
  }
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    warnings.push(
      `partial merge: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing; the figures cover ${indices.length} of ${count} shards.`,
    );
  }
  const alignment = `time zeros within ${fmtMs(skewMs)} of each other (tolerance ${fmtMs(toleranceMs)})`;
  return { warnings, alignment, merged: { count, indices, missing, skewMs, toleranceMs } };
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms * 10) / 10} ms`;
}
