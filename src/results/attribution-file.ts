/** attribution.json: per-agent figures `ptaload attribute` took from Entra's sign-in logs, with their coverage and limits. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ResultsError } from '../errors.js';
import { OUTCOMES } from '../outcome.js';
import { RESULTS_FILES } from './run-info.js';

const counts = z.record(z.string(), z.number());
const latency = z.object({
  count: z.number(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});

export const attributionSchema = z.object({
  attributionVersion: z.literal(1),
  /** Where the figures come from, in words, so no reader takes them for client-side latency. */
  source: z.literal('entra-sign-in-logs'),
  fetchedAt: z.string(),
  window: z.object({ from: z.string(), to: z.string(), appId: z.string() }),
  fetch: z.object({
    passes: z.number(),
    pages: z.number(),
    rows: z.number(),
    why: z.string(),
    resumed: z.boolean(),
  }),
  coverage: z.object({
    sent: z.number(),
    kept: z.number(),
    found: z.number(),
    /** found / sent: the share of the run's sign-ins these figures describe. */
    share: z.number(),
    notFoundByOutcome: counts,
    noAgentByCode: counts,
    unmatchedLogEntries: z.number(),
    /** The run kept every sign-in by correlation id (load.correlation: all), not a sample of successes. */
    complete: z.boolean(),
  }),
  agents: z.array(
    z.object({
      name: z.string(),
      agentId: z.string(),
      requests: z.number(),
      byOutcome: z.record(z.enum(OUTCOMES), z.number()),
      /** Entra's processingTimeInMilliseconds (agent round trip included), not the client's latency. */
      processingMs: latency,
      firstAtS: z.number(),
      lastAtS: z.number(),
    }),
  ),
  unknownAgents: z.array(z.object({ agentId: z.string(), requests: z.number() })),
  notes: z.array(z.string()),
});
export type AttributionFile = z.infer<typeof attributionSchema>;

/** The folder's attribution, or undefined when `ptaload attribute` has not been run on it. */
export async function readAttribution(dir: string): Promise<AttributionFile | undefined> {
  const path = join(dir, RESULTS_FILES.attribution);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = attributionSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new ResultsError(
      `${path}: not an attribution file this version reads (${parsed.error.issues[0]?.message}); run ptaload attribute again.`,
    );
  }
  return parsed.data;
}
