import type { AgentSpec, RawProfile } from './raw-schema.js';
import { agentSpecSchema } from './schema-agents.js';

/** Agents the sim starts with when a profile names none (Microsoft's production minimum is 3; 4 leaves N+1). */
export const DEFAULT_SIM_AGENTS = 4;
const DEFAULT_GENERATED_USERS = 1000;

/** `agent-1` … `agent-n` with every default filled in by the schema itself. */
function expandAgentCount(n: number): AgentSpec[] {
  return Array.from({ length: n }, (_, i) => agentSpecSchema.parse({ name: `agent-${i + 1}` }));
}

/**
 * Defaults that depend on other fields, and the final normal form the engine reads. Runs only on a
 * profile that passed its cross-checks, so lookups here cannot miss.
 */
export function resolveProfile(raw: RawProfile) {
  const { $schema: _schema, agents, users, ...rest } = raw;
  const defaultCount = raw.target.kind === 'sim' ? DEFAULT_SIM_AGENTS : 0;
  const list = agents.list ?? expandAgentCount(agents.count ?? defaultCount);

  const known = new Map(list.map((a) => [a.name, a]));
  const timeline = [...agents.timeline]
    .sort((a, b) => a.atMs - b.atMs)
    .map((event) => {
      if (event.action !== 'add') return event;
      const agent = typeof event.agent === 'string' ? known.get(event.agent)! : event.agent;
      known.set(agent.name, agent);
      return { ...event, agent };
    });

  return {
    ...rest,
    users: resolveUsers(raw),
    agents: {
      list,
      timeline,
      ...(agents.hooks === undefined ? {} : { hooks: agents.hooks }),
      ...(agents.versions === undefined ? {} : { versions: agents.versions }),
    },
  };
}

type ResolvedUsers = { readonly wrongPasswordShare: number } & (
  | { readonly file: string; readonly generate?: undefined }
  | {
      readonly generate: number;
      readonly file?: undefined;
      readonly states: { disabled?: number; expired?: number; mfa?: number };
    }
);

/** Exactly one source: a file, or (sim) generated users, 1000 unless told otherwise. */
function resolveUsers(raw: RawProfile): ResolvedUsers {
  const { file, generate, states, wrongPasswordShare } = raw.users;
  if (file !== undefined) return { file, wrongPasswordShare };
  return { generate: generate ?? DEFAULT_GENERATED_USERS, states: states ?? {}, wrongPasswordShare };
}
