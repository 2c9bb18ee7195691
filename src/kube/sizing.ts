/** A shard pod's resource requests, from its share of the peak rate and the generator's CPU per sign-in. */

/**
 * CPU per sign-in over TLS, in µs, for the default: the benchmark's plain-HTTP figure (README "Performance")
 * doubled for TLS. Measure your own with `npm run bench` and pass it with --cpu-per-sign-in.
 */
export const DEFAULT_CPU_PER_SIGN_IN_US = 100;
/** Requests leave this much room over the arithmetic: a generator that saturates its CPU measures itself. */
const HEADROOM = 2;
const MIN_MILLICORES = 250;

export interface ShardResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

export function shardResources(peakPerShardPerS: number, cpuPerSignInUs: number): ShardResources {
  const millicores = Math.max(
    MIN_MILLICORES,
    Math.ceil((peakPerShardPerS * cpuPerSignInUs * HEADROOM) / 1000),
  );
  // Memory: the runtime and workers (~150 MB), plus in-flight requests and per-interval histograms.
  const memoryMi = 384 + Math.ceil(peakPerShardPerS / 1000) * 64;
  // No CPU limit: a throttled generator slips its schedule; the request reserves what it needs.
  return {
    requests: { cpu: `${millicores}m`, memory: `${memoryMi}Mi` },
    limits: { memory: `${memoryMi * 2}Mi` },
  };
}

/** The sizing arithmetic in words, for the command's notes and README. */
export function sizingWords(peakPerS: number, shards: number, cpuPerSignInUs: number): string {
  const per = peakPerS / shards;
  const r = shardResources(per, cpuPerSignInUs);
  return `${Math.round(peakPerS)}/s peak over ${shards} shard${shards > 1 ? 's' : ''} = ${Math.round(per)}/s each × ${cpuPerSignInUs} µs CPU × ${HEADROOM} headroom → requests ${r.requests.cpu} CPU, ${r.requests.memory} memory per shard`;
}
