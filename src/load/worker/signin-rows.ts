/** Which sign-ins a worker writes down by correlation id: every one that failed, and a seeded sample of the rest. */
import type { Outcome } from '../../outcome.js';

/** What the results folder keeps of one sign-in (never a password). */
export interface SignInRow {
  /** The `client-request-id` it was sent with. */
  readonly id: string;
  /** Epoch ms of its intended start on the schedule. */
  readonly intendedEpochMs: number;
  readonly user: string;
  readonly outcome: Outcome;
  readonly code?: number;
  /** From the intended start to the last byte of the reply, µs. */
  readonly latencyUs: number;
  /** Entra's `x-ms-request-id` for it, when the reply carried one. */
  readonly requestId?: string;
  readonly agent?: string;
}

/** Share of successes kept when the profile says `sample`: enough to join with sign-in logs, small on disk. */
export const SUCCESS_SAMPLE = 0.01;

/**
 * The sampling decision is a hash of the run seed and the sign-in's sequence number, made when the
 * sign-in is sent (so the reply's ids are kept only for those that may be written): reproducible, and
 * the same sign-ins are sampled whichever worker sends them.
 */
export class SignInSampler {
  private readonly threshold: number;

  constructor(
    private readonly seed: number,
    share: number,
  ) {
    this.threshold = Math.floor(Math.min(1, Math.max(0, share)) * 2 ** 32);
  }

  /** Whether a success of sign-in `sequence` is kept. */
  keeps(sequence: number): boolean {
    if (this.threshold >= 2 ** 32) return true;
    if (this.threshold === 0) return false;
    return mix(this.seed, sequence) < this.threshold;
  }
}

/** A 32-bit hash of (seed, sequence); sequence numbers reach 2^48, so both halves are mixed in. */
function mix(seed: number, sequence: number): number {
  let h = Math.imul((seed ^ (sequence >>> 0)) >>> 0, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ Math.floor(sequence / 2 ** 32), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
