/** A profile in words, for `ptaload validate`: one line per topic, and the warnings a legal profile can still earn. */
import { describeSimTarget } from './describe-sim.js';
import { peakTargetRate, phasesDurationMs, probeLeadMs, totalDurationMs } from './phases.js';
import { formatDuration, formatRate, formatShare } from './quantities.js';
import type { AgentSpec, Phase, Profile, TimelineEvent } from './schema.js';
import { describeShape } from './shapes/registry.js';

/** Facts about the users that only reading the users file can tell. */
export interface UsersFacts {
  readonly count: number;
  readonly states: Readonly<Record<string, number>>;
}

/** A short human summary of a resolved profile, one labelled line (or block) per topic. */
export function summarizeProfile(profile: Profile, users?: UsersFacts): string[] {
  const out: string[] = [];
  const row = (label: string, text: string) => {
    out.push(`  ${label.padEnd(11)} ${text}`);
  };
  const more = (text: string) => {
    out.push(`  ${''.padEnd(11)} ${text}`);
  };
  const block = (label: string, items: readonly string[]) => {
    for (let i = 0; i < items.length; i++) out.push(`  ${(i === 0 ? label : '').padEnd(11)} ${items[i]}`);
  };

  row('name', profile.name);
  if (profile.description) more(oneLine(profile.description));
  const t = profile.target;
  if (t.kind === 'sim') {
    block('target', describeSimTarget(t));
  } else {
    row(
      'target',
      `entra ${t.tenant} at ${t.authorityHost} (cap ${formatRate(t.maxRate)}, ${t.pacing.perUserPerMinute}/min per user)`,
    );
  }
  const u = profile.users;
  const source =
    u.file !== undefined ? `${users ? `${users.count} from ` : ''}${u.file}` : `${u.generate} generated`;
  const states = users ? Object.entries(users.states).filter(([s]) => s !== 'active') : [];
  row(
    'users',
    `${source}${states.length ? ` (${states.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}, ${formatShare(u.wrongPasswordShare)} wrong passwords`,
  );

  const agents = profile.agents.list;
  const most = mostAgents(profile);
  const capacity = most.capacity;
  const grows = most.count > agents.length ? ` at start, up to ${most.count} later` : '';
  row(
    'agents',
    `${agents.length}${grows}${t.kind === 'sim' ? `, capacity up to ${formatRate(capacity)} together` : ''}`,
  );
  for (const group of groupAgents(agents)) more(group);

  const l = profile.load;
  row(
    'load',
    `${l.arrivals} arrivals, workers ${l.workers}, up to ${l.connections} connections, timeout ${formatDuration(l.timeoutMs)}, interval ${formatDuration(l.intervalMs)}`,
  );
  block('phases', l.phases.map(describePhase));

  const peak = peakTargetRate(profile);
  const total = totalDurationMs(profile);
  const use =
    t.kind === 'sim' && capacity > 0
      ? ` (${Math.round((peak / capacity) * 100)}% of the agents' capacity)`
      : '';
  const bound =
    profile.sweep && (Object.keys(profile.sweep.stopWhen).length > 0 || profile.sweep.refine)
      ? 'at most '
      : '';
  row('total', `${bound}${formatDuration(total)}, peak target ${formatRate(peak)}${use}`);

  if (profile.sweep) {
    const s = profile.sweep;
    const stop = [
      s.stopWhen.p99Ms !== undefined ? `p99 > ${formatDuration(s.stopWhen.p99Ms)}` : '',
      s.stopWhen.errorRate !== undefined ? `errors > ${formatShare(s.stopWhen.errorRate)}` : '',
    ].filter(Boolean);
    row(
      'sweep',
      `agents ${s.agentCounts.join(', ')}: ${formatDuration(phasesDurationMs(profile))} each, ${formatDuration(s.settleMs)} settle${stop.length ? `, next count once ${stop.join(' or ')}` : ''}`,
    );
    if (s.refine) {
      const r = s.refine;
      row(
        'refine',
        `then up to ${r.probes} probe(s) per count, each ${formatDuration(r.holdMs)} at the middle of its knee's bracket after a ${formatDuration(probeLeadMs(r.holdMs, l.intervalMs))} lead-in, until the knee is known to within +${formatShare(r.within)}`,
      );
    }
  }
  block('timeline', profile.agents.timeline.map(describeEvent));
  if (profile.thresholds.length === 0) row('thresholds', 'none (the exit code will not depend on results)');
  block(
    'thresholds',
    profile.thresholds.map((th) => th.expression),
  );
  return out;
}

/** Things that are legal but probably not what was meant. */
export function profileWarnings(profile: Profile, users?: UsersFacts): string[] {
  const warnings: string[] = [];
  const peak = peakTargetRate(profile);
  const t = profile.target;
  if (t.kind === 'entra' && users) {
    const paced = (users.count * t.pacing.perUserPerMinute) / 60;
    if (peak > paced) {
      warnings.push(
        `${users.count} users at ${t.pacing.perUserPerMinute}/min each allow ${formatRate(paced)}; above that, arrivals are skipped (counted as "skipped: pacing"). Add users or lower the load.`,
      );
    }
  }
  if (t.kind === 'sim') {
    const capacity = mostAgents(profile).capacity;
    if (capacity > 0 && peak > capacity * 1.5 && !profile.sweep) {
      warnings.push(
        `the peak (${formatRate(peak)}) is well above the agents' capacity (${formatRate(capacity)}); expect PTA timeouts (80002).`,
      );
    }
  }
  return warnings;
}

function describeAgent(a: AgentSpec): string {
  return `${a.name}: ${agentTraits(a)}`;
}

function agentTraits(a: AgentSpec): string {
  return `${a.cores} cores, ${formatRate(a.capacity)}, version ${a.version}, site ${a.site}${a.host ? `, host ${a.host}` : ''}`;
}

/** Runs of alike agents on one line: `agent-1 .. agent-8: 4 cores, ...`. */
function groupAgents(agents: readonly AgentSpec[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < agents.length; ) {
    const traits = agentTraits(agents[i]!);
    let j = i + 1;
    while (j < agents.length && agentTraits(agents[j]!) === traits) j++;
    const names =
      j - i > 2
        ? `${agents[i]!.name} .. ${agents[j - 1]!.name}`
        : agents
            .slice(i, j)
            .map((a) => a.name)
            .join(', ');
    lines.push(`${names}: ${traits}`);
    i = j;
  }
  return lines;
}

/** The most agents (and their capacity) running at once, following the timeline. */
function mostAgents(profile: Profile): { count: number; capacity: number } {
  const running = new Map(profile.agents.list.map((a) => [a.name, a]));
  const failed = new Map<string, AgentSpec[]>();
  const sum = () => [...running.values()].reduce((s, a) => s + a.capacity, 0);
  let most = { count: running.size, capacity: sum() };
  for (const e of profile.agents.timeline) {
    if (e.action === 'add') running.set(e.agent.name, e.agent);
    else if (e.action === 'remove') running.delete(e.agent);
    else if (e.action === 'fail-site') {
      const members = [...running.values()].filter((a) => a.site === e.site);
      failed.set(e.site, members);
      for (const a of members) running.delete(a.name);
    } else if (e.action === 'restore-site') {
      for (const a of failed.get(e.site) ?? []) running.set(a.name, a);
    }
    const capacity = sum();
    if (capacity > most.capacity || running.size > most.count) {
      most = { count: Math.max(most.count, running.size), capacity: Math.max(most.capacity, capacity) };
    }
  }
  return most;
}

function describePhase(p: Phase): string {
  return `${p.name.padEnd(12)} ${formatDuration(p.durationMs).padStart(6)}  ${describeShape(p)}`;
}

function describeEvent(e: TimelineEvent): string {
  const at = formatDuration(e.atMs).padStart(6);
  switch (e.action) {
    case 'add':
      return `${at}  add ${describeAgent(e.agent)}`;
    case 'remove':
      return `${at}  remove ${e.agent} (${e.mode})`;
    case 'degrade':
      return `${at}  degrade ${e.agent}: ${e.slowFactor}x slower, ${formatShare(e.errorRate)} errors`;
    case 'restore':
      return `${at}  restore ${e.agent}`;
    case 'fail-site':
      return `${at}  fail site ${e.site} (${e.mode})`;
    case 'restore-site':
      return `${at}  restore site ${e.site}`;
  }
}

function oneLine(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line;
}
