import { peakTargetRate, totalDurationMs } from './phases.js';
import { formatDuration, formatRate } from './quantities.js';
import type { RawProfile } from './raw-schema.js';
import { DEFAULT_SIM_AGENTS } from './resolve.js';

export interface CrossIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Entra allows at most this many PTA agents per tenant. */
export const MAX_AGENTS = 40;

/** Rules that span fields; paths are as written in the file (timeline indexes before sorting). */
export function crossCheck(raw: RawProfile): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  checkUsers(raw, add);
  const initial = checkAgents(raw, add);
  const everKnown = checkTimeline(raw, initial, add);
  checkThresholds(raw, everKnown, add);
  checkSweep(raw, initial.length, add);
  checkEntra(raw, add);
  return issues;
}

type Add = (path: (string | number)[], message: string) => void;

function checkUsers(raw: RawProfile, add: Add): void {
  const { file, generate, states } = raw.users;
  if (file !== undefined && generate !== undefined) {
    add(['users'], 'give either users.generate or users.file, not both');
  }
  if (raw.target.kind === 'entra') {
    if (generate !== undefined) {
      add(
        ['users', 'generate'],
        'generated users exist only in the sim; a real tenant needs users.file listing test accounts you created',
      );
    } else if (file === undefined) {
      add(
        ['users'],
        'the entra target needs users.file: a CSV of test accounts (username,password[,state]) you created in the tenant',
      );
    }
  }
  if (states !== undefined) {
    if (file !== undefined)
      add(
        ['users', 'states'],
        'states apply to generated users only; a users file gives each state in its third column',
      );
    const sum = (states.disabled ?? 0) + (states.expired ?? 0) + (states.mfa ?? 0);
    if (sum > 1 + 1e-9)
      add(['users', 'states'], `the shares add up to more than 100% (${Math.round(sum * 1000) / 10}%)`);
  }
}

function checkAgents(raw: RawProfile, add: Add): { name: string; site: string }[] {
  const { count, list } = raw.agents;
  if (count !== undefined && list !== undefined) {
    add(['agents', 'list'], 'give either agents.count or agents.list, not both');
  }
  if (list !== undefined) {
    if (list.length > MAX_AGENTS)
      add(
        ['agents', 'list'],
        `Entra allows at most ${MAX_AGENTS} agents per tenant; this lists ${list.length}`,
      );
    const first = new Map<string, number>();
    list.forEach((a, i) => {
      const j = first.get(a.name);
      if (j !== undefined)
        add(['agents', 'list', i, 'name'], `duplicate agent name '${a.name}' (also agents.list[${j}])`);
      else first.set(a.name, i);
    });
    if (raw.target.kind === 'sim' && list.length === 0 && raw.agents.timeline.length === 0) {
      add(['agents', 'list'], 'the sim needs at least one agent (or a timeline that adds some)');
    }
    return list;
  }
  const n = count ?? (raw.target.kind === 'sim' ? DEFAULT_SIM_AGENTS : 0);
  return Array.from({ length: n }, (_, i) => ({ name: `agent-${i + 1}`, site: 'default' }));
}

/** Walks the timeline in time order, tracking which agents exist; returns every agent name ever known. */
function checkTimeline(raw: RawProfile, initial: { name: string; site: string }[], add: Add): Set<string> {
  const events = raw.agents.timeline;
  const everKnown = new Set(initial.map((a) => a.name));
  if (events.length === 0) return everKnown;
  if (raw.sweep) {
    add(['agents', 'timeline'], 'a sweep sets the active agents itself; drop agents.timeline or the sweep');
    return everKnown;
  }
  const total = totalDurationMs(raw);
  const site = new Map(initial.map((a) => [a.name, a.site]));
  const present = new Set(initial.map((a) => a.name));
  const removedAt = new Map<string, number>();
  const failedSites = new Map<string, string[]>();
  const hooks = raw.agents.hooks;
  const order = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i);

  for (const { e, i } of order) {
    const at = ['agents', 'timeline', i];
    if (e.atMs >= total) {
      add(
        [...at, 'at'],
        `${formatDuration(e.atMs)} is not before the end of the run (${formatDuration(total)})`,
      );
    }
    if (raw.target.kind === 'entra') {
      const fallback = e.action === 'fail-site' ? 'remove' : e.action === 'restore-site' ? 'add' : undefined;
      if (!hooks?.[e.action] && !(fallback && hooks?.[fallback])) {
        add(
          [...at, 'action'],
          `the entra target changes agents only through hooks: set agents.hooks.${e.action}${fallback ? ` (or agents.hooks.${fallback})` : ''}, or drop this event`,
        );
      }
    }
    const whyMissing = (name: string) => {
      const gone = removedAt.get(name);
      if (gone !== undefined) return `agent '${name}' was already removed at ${formatDuration(gone)}`;
      return `no agent named '${name}' at ${formatDuration(e.atMs)} (agents then: ${[...present].join(', ') || 'none'})`;
    };
    switch (e.action) {
      case 'add': {
        const name = typeof e.agent === 'string' ? e.agent : e.agent.name;
        if (present.has(name)) {
          add(
            [...at, 'agent'],
            `agent '${name}' is already running at ${formatDuration(e.atMs)}; remove it first or choose another name`,
          );
          break;
        }
        if (typeof e.agent === 'string' && !site.has(name)) {
          add(
            [...at, 'agent'],
            `no earlier agent named '${name}' to bring back; describe a new one as { name: ${name}, cores: 4, site: ... }`,
          );
          break;
        }
        present.add(name);
        everKnown.add(name);
        removedAt.delete(name);
        if (typeof e.agent !== 'string') site.set(name, e.agent.site);
        if (present.size > MAX_AGENTS)
          add(
            [...at, 'agent'],
            `this makes ${present.size} agents; Entra allows at most ${MAX_AGENTS} per tenant`,
          );
        break;
      }
      case 'remove':
        if (!present.has(e.agent)) add([...at, 'agent'], whyMissing(e.agent));
        present.delete(e.agent);
        removedAt.set(e.agent, e.atMs);
        break;
      case 'degrade':
      case 'restore':
        if (!present.has(e.agent)) add([...at, 'agent'], whyMissing(e.agent));
        break;
      case 'fail-site': {
        const members = [...present].filter((n) => site.get(n) === e.site);
        if (failedSites.has(e.site)) add([...at, 'site'], `site '${e.site}' has already failed`);
        else if (members.length === 0)
          add(
            [...at, 'site'],
            `no running agent is in site '${e.site}' (sites then: ${sitesOf(present, site)})`,
          );
        failedSites.set(e.site, members);
        for (const n of members) {
          present.delete(n);
          removedAt.set(n, e.atMs);
        }
        break;
      }
      case 'restore-site': {
        const members = failedSites.get(e.site);
        if (members === undefined) {
          add(
            [...at, 'site'],
            `site '${e.site}' has not failed before ${formatDuration(e.atMs)}; restore-site undoes a fail-site`,
          );
          break;
        }
        failedSites.delete(e.site);
        for (const n of members) {
          present.add(n);
          removedAt.delete(n);
        }
        break;
      }
    }
  }
  return everKnown;
}

function sitesOf(present: Set<string>, site: Map<string, string>): string {
  return [...new Set([...present].map((n) => site.get(n)))].join(', ') || 'none';
}

function checkThresholds(raw: RawProfile, known: Set<string>, add: Add): void {
  raw.thresholds.forEach((t, i) => {
    if (t.scope.kind === 'agent' && !known.has(t.scope.name)) {
      add(
        ['thresholds', i],
        `no agent named '${t.scope.name}' in this profile (agents: ${[...known].join(', ') || 'none'})`,
      );
    }
  });
}

function checkSweep(raw: RawProfile, initialCount: number, add: Add): void {
  const sweep = raw.sweep;
  if (!sweep) return;
  const seen = new Set<number>();
  sweep.agentCounts.forEach((n, i) => {
    if (seen.has(n)) add(['sweep', 'agentCounts', i], `${n} is listed twice`);
    seen.add(n);
    if (n > initialCount) {
      add(
        ['sweep', 'agentCounts', i],
        `${n} agents asked for but the profile has ${initialCount}; raise agents.count (or list more agents)`,
      );
    }
  });
  const refine = sweep.refine;
  if (!refine) return;
  // Probes closer than twice the knee rule's rate tolerance (1 %) could merge with the step below them.
  if (refine.within < 0.02) {
    add(['sweep', 'refine', 'within'], 'must be at least 2% (probes closer than that cannot be told apart)');
  }
  // The knee rule judges a step only with 3 intervals past its first (a transition).
  const minHold = 4 * raw.load.intervalMs;
  if (refine.holdMs < minHold) {
    add(
      ['sweep', 'refine', 'hold'],
      `${formatDuration(refine.holdMs)} holds fewer than 4 intervals of ${formatDuration(raw.load.intervalMs)}; make it at least ${formatDuration(minHold)} so a probe can be judged`,
    );
  }
}

function checkEntra(raw: RawProfile, add: Add): void {
  const t = raw.target;
  if (t.kind === 'sim') {
    if (raw.agents.hooks)
      add(['agents', 'hooks'], 'hooks apply to the entra target only; the sim changes its agents itself');
    return;
  }
  if (t.confirmTenant !== undefined && t.confirmTenant.toLowerCase() !== t.tenant.toLowerCase()) {
    add(
      ['target', 'confirmTenant'],
      `must repeat target.tenant exactly ('${t.tenant}'); it is the safety interlock that proves you mean this tenant`,
    );
  }
  const peak = peakTargetRate(raw);
  // A peak scaled by --rate to equal the cap may land a rounding error above it.
  if (peak > t.maxRate + 1e-9) {
    add(
      ['target', 'maxRate'],
      `the load peaks at ${formatRate(peak)} but the safety cap is ${formatRate(t.maxRate)}; lower the phases, or raise the cap deliberately with --max-rate on the command line`,
    );
  }
}
