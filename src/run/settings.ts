/** One run's resolved, typed plan: the profile as it will run, where it came from, and the load plan the engine gets. */
import { availableParallelism } from 'node:os';
import type { GeneratorLimits } from '../analysis/generator-health.js';
import type { LiveOptions } from '../live/live-outputs.js';
import type { LoadPlan } from '../load/load-plan.js';
import type { LoadedProfile } from '../profile/load.js';
import { describeLoadOverrides, type LoadOverrides } from '../profile/overrides.js';
import type { Profile } from '../profile/schema.js';
import type { EntraFlags } from '../targets/entra/flags.js';
import { lockoutBudget } from '../targets/entra/lockout-budget.js';
import { loosenedByFlags } from '../targets/entra/tighten-only.js';

/** This harness's share when several run side by side (0-based index). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Flags of `ptaload run` that override the profile, each already checked by the command line. */
export interface RunOverrides {
  readonly out?: string;
  /** `--overwrite`: replace an earlier results folder at `out` instead of refusing it. */
  readonly overwrite?: boolean;
  readonly workers?: number;
  readonly connections?: number;
  readonly seed?: number;
  readonly shard?: Shard;
  /** Live metrics outputs (Prometheus endpoint, remote write): the command line only. */
  readonly live?: LiveOptions;
  /** Real-tenant flags (targets/entra/flags). */
  readonly entra?: EntraFlags;
  /** When time zero falls: at once (absent), at a fixed instant, or when every shard is at the barrier. */
  readonly start?: StartRule;
  /** The run every shard belongs to (`--run-id`); the results folder's name when absent and not sharded. */
  readonly runId?: string;
  /** --rate, --duration, --agents (profile/overrides). */
  readonly load?: LoadOverrides;
  /** Generator limits changed on the command line (`--generator-limits`); only the command line may. */
  readonly generatorLimits?: Partial<GeneratorLimits>;
}

/** Everything one run needs, resolved once: nothing downstream re-reads the profile or the flags. */
export interface RunPlan {
  /** The profile as it will run (flags written in, defaults resolved, the rate cap in force). */
  readonly profile: Profile;
  /** Where it came from: run.json records it, relative paths in it were resolved against its folder. */
  readonly source: { readonly path: string; readonly dir: string };
  readonly load: LoadPlan;
  /** Real-tenant flags the target still needs (the tenant confirmation is judged where bytes go). */
  readonly entra: EntraFlags;
  readonly start?: StartRule;
  readonly runId?: string;
  readonly live: LiveOptions;
  /** What run.json's notes say about the plan (which flags changed the profile). */
  readonly notes: readonly string[];
  /** Generator limits the command line changed; run.json keeps them so a rebuilt report judges alike. */
  readonly generatorLimits?: Partial<GeneratorLimits>;
}

export type StartRule =
  | { readonly kind: 'at'; readonly epochMs: number }
  | { readonly kind: 'barrier'; readonly dir: string; readonly leadMs: number; readonly timeoutMs: number };

const STOP_GRACE_MS = 3000;

/** The plan for a loaded profile (overrides of its fields already applied) and the run's own flags. */
export function planRun(loaded: LoadedProfile, o: RunOverrides): RunPlan {
  const profile: Profile =
    loaded.profile.target.kind === 'sim' && o.seed !== undefined
      ? { ...loaded.profile, target: { ...loaded.profile.target, seed: o.seed } }
      : loaded.profile;
  const overridden = o.load ? describeLoadOverrides(o.load) : undefined;
  const loosened = profile.target.kind === 'entra' ? loosenedByFlags(profile.target, o.entra ?? {}) : [];
  return {
    profile,
    source: { path: loaded.path, dir: loaded.dir },
    load: loadPlan(profile, o),
    entra: o.entra ?? {},
    live: o.live ?? {},
    ...(o.start ? { start: o.start } : {}),
    ...(o.runId !== undefined ? { runId: o.runId } : {}),
    notes: [
      ...(overridden ? [`load overridden on the command line: ${overridden}`] : []),
      // A results folder says when its run had an interlock loosened, so nobody compares it unawares.
      ...(loosened.length > 0
        ? [`safety interlocks loosened on the command line: ${loosened.join(', ')}`]
        : []),
    ],
    ...(o.generatorLimits && Object.keys(o.generatorLimits).length > 0
      ? { generatorLimits: o.generatorLimits }
      : {}),
  };
}

function loadPlan(profile: Profile, o: RunOverrides): LoadPlan {
  const load = profile.load;
  const workers = o.workers ?? (load.workers === 'auto' ? Math.min(4, availableParallelism()) : load.workers);
  const seed = o.seed ?? (profile.target.kind === 'sim' ? numericSeed(profile.target.seed) : 1);
  return {
    phases: load.phases,
    arrivals: load.arrivals,
    seed,
    intervalMs: load.intervalMs,
    lateThresholdMs: load.lateThresholdMs,
    correlation: load.correlation,
    workers,
    connections: o.connections ?? load.connections,
    timeoutMs: load.timeoutMs,
    wrongPasswordShare: profile.users.wrongPasswordShare,
    ...(profile.target.kind === 'entra'
      ? {
          pacing: {
            perUserPerMinute: profile.target.pacing.perUserPerMinute,
            wrongPerUserPerHour: profile.target.pacing.wrongPerUserPerHour,
            wrongPerUserPerRun: lockoutBudget(profile.target).perUserPerRun,
          },
          maxRate: profile.target.maxRate,
        }
      : {}),
    timeline: profile.agents.timeline,
    stopGraceMs: Math.min(STOP_GRACE_MS, load.timeoutMs),
    ...(o.shard ? { shard: o.shard } : {}),
  };
}

/** Profiles may seed with a word; the schedule's generator wants a 32-bit number (FNV-1a of the word). */
function numericSeed(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
