import { z } from 'zod';

/** Validations/s of a 4-core agent: the middle of Microsoft's 300–400/s sizing figure (pta-facts.md). */
export const CAPACITY_PER_4_CORES = 350;
export const DEFAULT_VERSION = '1.0.0';
export const DEFAULT_SITE = 'default';

const factor = z.number().positive().max(1000);
const rate = z.number().min(0).max(1);

export const agentSpecSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a name of letters, digits, dot, dash or underscore'),
  cores: z.number().int().min(1).max(256).optional(),
  capacity: z.number().positive().max(10_000_000).optional(),
  version: z.string().min(1).max(64).optional(),
  site: z.string().min(1).max(64).optional(),
  slowFactor: factor.optional(),
  errorRate: rate.optional(),
  /** The real agent's host name (profiles carry it for hooks); the sim ignores it. */
  host: z.string().optional(),
  /** The agent's GUID in the sign-in logs; the sim derives one from the name when absent (simAgentId). */
  agentId: z.string().optional(),
});
/** One agent as a user or the harness describes it. */
export type SimAgentSpec = z.infer<typeof agentSpecSchema>;

const versionProfileSchema = z.strictObject({
  slowFactor: factor.optional(),
  errorRate: rate.optional(),
});
/** How an agent version performs relative to nominal (e.g. "1.5.2 is 30 % slower": slowFactor 1.3). */
export type VersionProfile = z.infer<typeof versionProfileSchema>;
export const versionsSchema = z.record(z.string().min(1), versionProfileSchema);

export const degradeSchema = z.strictObject({
  slowFactor: factor.optional(),
  errorRate: rate.optional(),
});
export type Degrade = z.infer<typeof degradeSchema>;

const agentListSchema = z.array(agentSpecSchema).max(1000);

/** An agents file is either a plain list of agents or `{ agents: [...], versions: {...} }`. */
export const agentsFileSchema = z.union([
  agentListSchema,
  z.strictObject({ agents: agentListSchema, versions: versionsSchema.optional() }),
]);

/** Default agent set: `count` agents `agent-1..N`, 4 cores each, nominal capacity. */
export function defaultAgents(count: number): SimAgentSpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `agent-${i + 1}` }));
}

/** An agent's nominal capacity: 350/s per 4 cores unless given. */
export function nominalCapacity(spec: SimAgentSpec): number {
  return spec.capacity ?? (CAPACITY_PER_4_CORES * (spec.cores ?? 4)) / 4;
}

/** One line per problem, `where.path: message`, for error texts. */
export function describeIssues(where: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `${where}${path}: ${issue.message}`;
    })
    .join('; ');
}
