import { z } from 'zod';
import { duration, GUID_PATTERN, name, rate, share, show } from './quantities.js';

/** A 4-core agent validates about 350 passwords/s (Microsoft: 300-400 on 4 cores, 16 GB). */
const CAPACITY_PER_4_CORES = 350;

export const agentSpecSchema = z
  .strictObject({
    name: name('an agent name'),
    cores: z.int().min(1).max(256).default(4).meta({ description: 'Concurrent validations the agent runs.' }),
    capacity: rate({ positive: true })
      .optional()
      .meta({ description: 'Validations/s at full use (sim); default 350/s x cores/4.' }),
    version: z
      .union([z.string().min(1), z.number()])
      .default('1.0.0')
      .transform(String)
      .meta({ description: "Version label, e.g. '1.5.193.0' (quote it)." }),
    site: name('a site name').default('default').meta({ description: 'Site or datacenter label, e.g. dc1.' }),
    host: z.string().min(1).optional().meta({ description: 'Host name, for real-tenant hooks ({host}).' }),
    agentId: z
      .string()
      .regex(GUID_PATTERN, {
        error: (iss) =>
          `expected the agent's GUID (from its registry, see the PTA FAQ), got ${show(iss.input)}`,
      })
      .optional()
      .meta({
        description:
          "The agent's GUID as Entra's sign-in logs name it; lets `ptaload attribute` name the agent.",
      }),
  })
  .transform(({ capacity, host, agentId, ...rest }) => ({
    ...rest,
    capacity: capacity ?? (CAPACITY_PER_4_CORES * rest.cores) / 4,
    ...(host === undefined ? {} : { host }),
    ...(agentId === undefined ? {} : { agentId: agentId.toLowerCase() }),
  }));

const mode = z.enum(['drain', 'crash'], {
  error: (iss) => `expected drain (finish in-flight work) or crash (drop it), got ${show(iss.input)}`,
});
const at = duration().meta({ description: 'When, from the start of the run.' });

/** `add` takes a new agent, or the name of one seen earlier to bring it back as it was. */
const addEvent = z.strictObject({
  at,
  action: z.literal('add'),
  agent: z.union([z.string(), agentSpecSchema], {
    error: (iss) =>
      `expected an agent ({ name, cores, site, ... }) or the name of an earlier agent, got ${show(iss.input)}`,
  }),
});
const removeEvent = z.strictObject({
  at,
  action: z.literal('remove'),
  agent: z.string(),
  mode: mode.default('drain'),
});
const degradeEvent = z.strictObject({
  at,
  action: z.literal('degrade'),
  agent: z.string(),
  slowFactor: z.number().min(1).default(1).meta({ description: 'Service times multiplied by this.' }),
  errorRate: share().prefault(0).meta({ description: 'Share of validations that fail (80007).' }),
});
const restoreEvent = z.strictObject({ at, action: z.literal('restore'), agent: z.string() });
const failSiteEvent = z.strictObject({
  at,
  action: z.literal('fail-site'),
  site: z.string(),
  mode: mode.default('crash'),
});
const restoreSiteEvent = z.strictObject({ at, action: z.literal('restore-site'), site: z.string() });

const timelineEvent = z
  .discriminatedUnion('action', [
    addEvent,
    removeEvent,
    degradeEvent,
    restoreEvent,
    failSiteEvent,
    restoreSiteEvent,
  ])
  .transform(({ at, ...rest }) => ({ atMs: at, ...rest }));

const hooks = z
  .strictObject({
    add: z.string().min(1).optional(),
    remove: z.string().min(1).optional(),
    degrade: z.string().min(1).optional(),
    restore: z.string().min(1).optional(),
    'fail-site': z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Default: the remove hook for each agent of the site.' }),
    'restore-site': z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Default: the add hook for each agent of the site.' }),
    timeout: duration({ positive: true }).prefault('60s'),
    stopOnFailure: z.boolean().default(false),
  })
  .transform(({ timeout, ...rest }) => ({ ...rest, timeoutMs: timeout }))
  .meta({
    description:
      'Entra target: shell commands run per timeline event, templated {name} {host} {site} {action} {mode}.',
  });

/** Simulator only: how an agent version performs, so an upgrade can be rehearsed (`"1.5.643.0": { slowFactor: 1.3 }`). */
const versionProfile = z
  .strictObject({
    slowFactor: z.number().positive().max(1000).default(1).meta({
      description: 'Service times of agents with this version multiplied by this (1.3 = 30% slower).',
    }),
    errorRate: share().prefault(0).meta({ description: 'Share of validations that fail (80007).' }),
  })
  .meta({ description: 'Performance of one version label in the simulated tenant.' });

export const agentsSchema = z
  .strictObject({
    count: z
      .int()
      .min(1)
      .max(40)
      .optional()
      .meta({ description: 'Shorthand for agent-1..agent-N with defaults.' }),
    list: z.array(agentSpecSchema).optional(),
    timeline: z.array(timelineEvent).default([]),
    hooks: hooks.optional(),
    versions: z.record(z.string().min(1), versionProfile).optional().meta({
      description: 'Sim only: performance per version label (agents[].version); others run nominal.',
    }),
  })
  .prefault({})
  .meta({
    description: 'PTA agents: the initial set, changes during the run, and (entra) how to make them.',
  });
