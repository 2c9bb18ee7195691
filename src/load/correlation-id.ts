/** The `client-request-id` of every sign-in: a GUID made from the run id and the arrival's sequence number. */
import { createHash } from 'node:crypto';

/** Sequence numbers fit the GUID's last 12 hex digits. */
const MAX_SEQUENCE = 2 ** 48 - 1;
const ID = /^([0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3})-([0-9a-f]{12})$/;

/**
 * Ids of one run: the first 20 hex digits come from a hash of the run id (with the version nibble 8,
 * "custom", and the RFC 9562 variant), the last 12 are the arrival's sequence number. Deterministic, so any
 * sign-in can be found again from the results folder, and cheap: one number formatted per sign-in,
 * where `randomUUID()` would cost a call into the CSPRNG and give an id nobody can reconstruct.
 */
export class CorrelationIds {
  /** `xxxxxxxx-xxxx-8xxx-yxxx-`, the part every id of this run shares. */
  readonly prefix: string;

  constructor(readonly runId: string) {
    const h = createHash('sha256').update(`ptaload:correlation:${runId}`).digest('hex');
    const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    this.prefix = `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-`;
  }

  /** The id of arrival `sequence` (0 ≤ sequence < 2^48). */
  of(sequence: number): string {
    return this.prefix + Math.min(sequence, MAX_SEQUENCE).toString(16).padStart(12, '0');
  }

  /** The sequence number inside an id of this run, or undefined when the id is not one of this run's. */
  sequenceOf(id: string): number | undefined {
    const m = ID.exec(id.toLowerCase());
    if (!m || `${m[1]}-` !== this.prefix) return undefined;
    return Number.parseInt(m[2]!, 16);
  }
}
