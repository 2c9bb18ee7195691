import type { MatchKind, ScopeSide } from './compare-types.js';

export interface AgentPair {
  readonly baseline: ScopeSide;
  readonly candidate: ScopeSide;
  readonly matchedBy: MatchKind;
}

export interface AgentMatching {
  /** In the baseline's order. */
  readonly pairs: readonly AgentPair[];
  readonly unmatched: { readonly baseline: readonly string[]; readonly candidate: readonly string[] };
}

/**
 * Pairs the agents of two runs (each list in order of appearance). First by name: an upgrade in place keeps
 * the name and changes the version. Then, among the rest, by version label in order of appearance: agents
 * renamed (new hosts) but running the same build. Then whatever is left, in order of appearance: renamed
 * and upgraded at once, which only position can pair, so the output says so. Pure.
 */
export function matchAgents(baseline: readonly ScopeSide[], candidate: readonly ScopeSide[]): AgentMatching {
  const pairs: AgentPair[] = [];
  const candidateNames = new Set(candidate.map((a) => a.name));
  const byName = new Set(baseline.filter((a) => candidateNames.has(a.name)).map((a) => a.name));
  let restB = baseline.filter((a) => !byName.has(a.name));
  let restC = candidate.filter((a) => !byName.has(a.name));

  const versionPairs = new Map<ScopeSide, ScopeSide>();
  for (const b of restB) {
    const c = restC.find((x) => x.version !== null && x.version === b.version);
    if (!c) continue;
    versionPairs.set(b, c);
    restC = restC.filter((x) => x !== c);
  }
  restB = restB.filter((b) => !versionPairs.has(b));
  const positionPairs = new Map<ScopeSide, ScopeSide>();
  restB.forEach((b, i) => {
    const c = restC[i];
    if (c) positionPairs.set(b, c);
  });

  for (const b of baseline) {
    if (byName.has(b.name)) {
      pairs.push({ baseline: b, candidate: candidate.find((c) => c.name === b.name)!, matchedBy: 'name' });
    } else if (versionPairs.has(b)) {
      pairs.push({ baseline: b, candidate: versionPairs.get(b)!, matchedBy: 'version' });
    } else if (positionPairs.has(b)) {
      pairs.push({ baseline: b, candidate: positionPairs.get(b)!, matchedBy: 'position' });
    }
  }
  const pairedC = new Set(pairs.map((p) => p.candidate.name));
  return {
    pairs,
    unmatched: {
      baseline: baseline.filter((b) => !pairs.some((p) => p.baseline === b)).map((b) => b.name),
      candidate: candidate.filter((c) => !pairedC.has(c.name)).map((c) => c.name),
    },
  };
}

/** How a pair was matched, for tables and warnings. */
export function describeMatch(pair: AgentPair): string {
  switch (pair.matchedBy) {
    case 'name':
      return 'same name';
    case 'version':
      return `renamed; same version ${pair.baseline.version}, matched in order of appearance`;
    case 'position':
      return 'renamed and version changed; matched by order of appearance only';
  }
}

/** `agent-4`, or `agent-4 → pta-07` when the candidate's agent has another name. */
export function pairLabel(pair: AgentPair): string {
  return pair.baseline.name === pair.candidate.name
    ? pair.baseline.name
    : `${pair.baseline.name} → ${pair.candidate.name}`;
}
