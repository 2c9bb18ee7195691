import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import type { LiveOptions } from '../live/live-outputs.js';
import type { LoadPlan } from '../load/load-plan.js';
import type { Profile } from '../profile/schema.js';
import type { EntraFlags } from '../targets/entra/flags.js';

/** Flags of `ptaload run` that override the profile. */
export interface RunOverrides {
  readonly out?: string;
  readonly workers?: number;
  readonly connections?: number;
  readonly seed?: number;
  /** `i/n`: this harness's share when several run side by side (0-based index). */
  readonly shard?: string;
  /** Live metrics outputs (Prometheus endpoint, remote write): the command line only. */
  readonly live?: LiveOptions;
  /** Real-tenant flags, checked once by the command line (targets/entra/flags). */
  readonly entra?: EntraFlags;
  /** When time zero falls: at once (absent), at a fixed instant, or when every shard is at the barrier. */
  readonly start?: StartRule;
  /** The run every shard belongs to (`--run-id`); the results folder's name when absent and not sharded. */
  readonly runId?: string;
}

export type StartRule =
  | { readonly kind: 'at'; readonly epochMs: number }
  | { readonly kind: 'barrier'; readonly dir: string; readonly leadMs: number; readonly timeoutMs: number };

const STOP_GRACE_MS = 3000;

export function resolveRunSettings(profile: Profile, o: RunOverrides): { profile: Profile; plan: LoadPlan } {
  const load = profile.load;
  const workers = o.workers ?? (load.workers === 'auto' ? Math.min(4, availableParallelism()) : load.workers);
  const seed = o.seed ?? (profile.target.kind === 'sim' ? numericSeed(profile.target.seed) : 1);
  const shard = o.shard === undefined ? undefined : parseShard(o.shard);
  const plan: LoadPlan = {
    phases: load.phases,
    arrivals: load.arrivals,
    seed,
    intervalMs: load.intervalMs,
    lateThresholdMs: load.lateThresholdMs,
    workers,
    connections: o.connections ?? load.connections,
    timeoutMs: load.timeoutMs,
    wrongPasswordShare: profile.users.wrongPasswordShare,
    ...(profile.target.kind === 'entra'
      ? { pacing: profile.target.pacing, maxRate: profile.target.maxRate }
      : {}),
    timeline: profile.agents.timeline,
    stopGraceMs: Math.min(STOP_GRACE_MS, load.timeoutMs),
    ...(shard ? { shard } : {}),
  };
  const resolved: Profile =
    profile.target.kind === 'sim' && o.seed !== undefined
      ? { ...profile, target: { ...profile.target, seed } }
      : profile;
  return { profile: resolved, plan };
}

function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index >= count) {
    throw new UsageError(
      `--shard: expected i/n with 0 <= i < n (for example 0/4 for the first of four harnesses), got '${text}'.`,
    );
  }
  return { index, count };
}

/** Profiles may seed with a word; the schedule's generator wants a 32-bit number (FNV-1a of the word). */
function numericSeed(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
