/**
 * How a harness starts the simulated tenant as a process of its own (src/sim/main.ts): the launch options it
 * writes to the simulator's stdin as one JSON document, and the ready line the simulator prints on stdout.
 */
import { z } from 'zod';
import { agentSpecSchema, versionsSchema } from './agent-spec.js';
import { injectSchema } from './sim-defaults.js';
import { USER_STATES } from './test-user.js';

const ms = z.number().min(0).max(86_400_000);
const positiveMs = ms.positive();
const count = z.int().min(1).max(1_000_000);

/** Every option of the simulated tenant that can cross a process boundary (not its clock, not its logger). */
export const simLaunchSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.int().min(0).max(65_535).optional(),
  tenant: z.string().optional(),
  domain: z.string().min(1).optional(),
  clientId: z.string().optional(),
  agents: z.array(agentSpecSchema).max(1000).optional(),
  versions: versionsSchema.optional(),
  users: z
    .array(z.strictObject({ username: z.string().min(1), password: z.string(), state: z.enum(USER_STATES) }))
    .optional(),
  /** Users to derive from `seed` (protocol/generated-users.ts) instead of receiving them. */
  generate: z
    .strictObject({
      count,
      domain: z.string().min(1),
      prefix: z.string().min(1).max(40).optional(),
      states: z.partialRecord(z.enum(USER_STATES), z.number().min(0).max(1)).optional(),
    })
    .optional(),
  tls: z.boolean().optional(),
  caFile: z.string().min(1).optional(),
  seed: z.union([z.number(), z.string()]).optional(),
  adminToken: z.string().min(1).optional(),
  ptaTimeoutMs: positiveMs.optional(),
  queueTimeoutMs: positiveMs.optional(),
  detectionDelayMs: ms.optional(),
  lockout: z
    .strictObject({
      threshold: count,
      durationMs: positiveMs,
      growth: z.number().min(1).max(100).optional(),
      hashTracking: z.boolean().optional(),
    })
    .optional(),
  onPremLockout: z
    .strictObject({ threshold: count, windowMs: positiveMs, durationMs: positiveMs })
    .optional(),
  requestLoop: z.strictObject({ threshold: count, windowMs: positiveMs }).optional(),
  ipBlock: z.boolean().optional(),
  inject: injectSchema.optional(),
  lateAnswerCode: z.union([z.literal(80002), z.literal(80014)]).optional(),
  app: z
    .strictObject({
      type: z.enum(['public', 'confidential']),
      secret: z.string().min(1).optional(),
      secretExpired: z.boolean().optional(),
    })
    .optional(),
  maxAgents: z.int().min(1).max(1000).optional(),
  directory: z.strictObject({ concurrency: count, serviceTimeMs: ms }).optional(),
  omitAgentHeader: z.boolean().optional(),
});
export type SimLaunch = z.infer<typeof simLaunchSchema>;

/** The one JSON line the simulator prints on stdout once it listens. */
export interface SimReady {
  readonly url: string;
  readonly tenant: string;
  readonly domain: string;
  readonly clientId: string;
  readonly adminToken: string;
  readonly caFile: string | null;
}
