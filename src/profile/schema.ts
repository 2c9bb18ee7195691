/** The profile schema: the object as written, then its cross-checks and resolved defaults; the types the engine reads. */
import { z } from 'zod';
import { crossCheck } from './cross-check.js';
import { profileObjectSchema } from './raw-schema.js';
import { resolveProfile } from './resolve.js';

/** The one source of truth: validation, normalised types, and (input side) the published JSON Schema. */
export const profileSchema = profileObjectSchema
  .transform((raw, ctx) => {
    const issues = crossCheck(raw);
    if (issues.length > 0) {
      for (const issue of issues)
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: raw });
      return z.NEVER;
    }
    return resolveProfile(raw);
  })
  .meta({ title: 'ptaload profile', description: 'A ptaload load-test profile (YAML or JSON).' });

export type Profile = z.output<typeof profileSchema>;
export type TimelineEvent = Profile['agents']['timeline'][number];
export type Sweep = NonNullable<Profile['sweep']>;
export type { AgentSpec, EntraTarget, Phase, SimTarget } from './raw-schema.js';
export type { Threshold, ThresholdMetric } from './thresholds.js';
