/**
 * The simulated tenant's behaviour defaults and its injected-code rule: one source for the simulator itself,
 * `ptaload sim`'s flags and a profile's `target: { kind: sim }`, so the three cannot drift apart.
 */
import { z } from 'zod';
import { AADSTS_BY_CODE } from './aadsts.js';

export const SIM_DEFAULTS = {
  /** How long Entra waits for an agent's answer before 80002 (unconfirmed). */
  ptaTimeoutMs: 10_000,
  /** How long a crashed agent is still handed requests (unconfirmed). */
  detectionDelayMs: 10_000,
  /** Entra smart lockout: 10 wrong passwords lock for 60 s, each repeat lockout twice as long; with PTA every wrong password counts. */
  lockout: { threshold: 10, durationMs: 60_000, growth: 2, hashTracking: false },
  /** AD's lockout window ("reset account lockout counter after") and duration when a threshold is given. */
  onPremLockout: { windowMs: 1_800_000, durationMs: 1_800_000 },
  /** The window of the 50196 request-loop detector when a threshold is given. */
  requestLoop: { windowMs: 60_000 },
  /** Mean time of one logon call at the DC when the directory's concurrency is bounded. */
  directoryTimeMs: 2,
  /** An agent answer after the PTA timeout gives the client 80002 (timed out), not 80014. */
  lateAnswerCode: 80002,
} as const;

/** The codes a simulator may be told to answer with: those of its table, so it can word them as Entra does. */
export const injectCodeSchema = z.int().refine((c) => AADSTS_BY_CODE.has(c), {
  message: `must be a code of the sim's table: ${[...AADSTS_BY_CODE.keys()].join(', ')}`,
});

/** One injected answer: a code, and either a share (0..1) of sign-ins or a count of the next ones. */
export const injectSchema = z
  .strictObject({
    code: injectCodeSchema,
    share: z.number().min(0).max(1).optional(),
    count: z.int().min(1).optional(),
  })
  .refine((b) => (b.share === undefined) !== (b.count === undefined), {
    message: 'give exactly one of share (0..1) or count (a whole number ≥ 1)',
  });
export type InjectRequest = z.infer<typeof injectSchema>;
