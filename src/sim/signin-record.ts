/**
 * The simulator's own record of the sign-ins it answered, as Entra keeps sign-in logs: the last `capacity`
 * of them, by correlation id and request id. Bounded (a ring of columns, no object per sign-in), so a long
 * run at full rate costs a fixed amount of memory. Never a password.
 */

/** One answered sign-in, as the admin API shows it. */
export interface SignInEntry {
  /** The caller's `client-request-id` when it was a GUID, else the id the reply carried instead. */
  readonly correlationId: string;
  /** The reply's `x-ms-request-id` (Entra's id of the request). */
  readonly requestId: string;
  /** Epoch ms when the reply was sent. */
  readonly at: number;
  readonly userPrincipalName: string;
  /** HTTP status of the reply. */
  readonly status: number;
  /** AADSTS code, 0 for a success. */
  readonly errorCode: number;
  /** The agent that validated the password, when one did. */
  readonly agent?: string;
  /** Arrival to reply, ms (to the µs): what the sign-in logs report, rounded there to whole ms as Graph does. */
  readonly processingMs?: number;
}

import type { LoggedSignIn } from './graph-signins.js';

export const DEFAULT_SIGNIN_CAPACITY = 100_000;

export class SignInRecord {
  private readonly correlation: string[];
  private readonly request: string[];
  private readonly user: string[];
  private readonly agent: (string | undefined)[];
  private readonly at: Float64Array;
  private readonly status: Uint16Array;
  private readonly code: Int32Array;
  private readonly started: Float64Array;
  private readonly app: string[];
  private readonly ip: string[];
  private readonly agentId: (string | undefined)[];
  private readonly processing: Float64Array;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number = DEFAULT_SIGNIN_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.correlation = new Array<string>(capacity);
    this.request = new Array<string>(capacity);
    this.user = new Array<string>(capacity);
    this.agent = new Array<string | undefined>(capacity);
    this.at = new Float64Array(capacity);
    this.status = new Uint16Array(capacity);
    this.code = new Int32Array(capacity);
    this.started = new Float64Array(capacity);
    this.app = new Array<string>(capacity);
    this.ip = new Array<string>(capacity);
    this.agentId = new Array<string | undefined>(capacity);
    this.processing = new Float64Array(capacity);
  }

  add(e: SignInEntry): void {
    this.put(
      e.correlationId,
      e.requestId,
      e.at,
      e.userPrincipalName,
      e.status,
      e.errorCode,
      e.agent,
      e.at,
      '',
      '',
      undefined,
      e.processingMs ?? 0,
    );
  }

  /** `add` without an object: the token endpoint calls this once per reply. */
  put(
    correlationId: string,
    requestId: string,
    at: number,
    userPrincipalName: string,
    status: number,
    errorCode: number,
    agent: string | undefined,
    startedAt: number,
    appId: string,
    ip: string,
    agentId: string | undefined,
    processingMs: number,
  ): void {
    const i = this.next;
    this.processing[i] = processingMs;
    this.started[i] = startedAt;
    this.app[i] = appId;
    this.ip[i] = ip;
    this.agentId[i] = agentId;
    this.correlation[i] = correlationId;
    this.request[i] = requestId;
    this.at[i] = at;
    this.user[i] = userPrincipalName;
    this.status[i] = status;
    this.code[i] = errorCode;
    this.agent[i] = agent;
    this.next = i + 1 === this.capacity ? 0 : i + 1;
    if (this.size < this.capacity) this.size++;
  }

  /** Sign-ins still held, newest first, that match every given field (at most `limit`). */
  find(query: { correlationId?: string; requestId?: string; limit?: number } = {}): SignInEntry[] {
    const limit = Math.max(0, query.limit ?? 100);
    const cid = query.correlationId?.toLowerCase();
    const rid = query.requestId?.toLowerCase();
    const out: SignInEntry[] = [];
    for (let n = 0; n < this.size && out.length < limit; n++) {
      const i = (this.next - 1 - n + this.capacity) % this.capacity;
      if (cid !== undefined && this.correlation[i]!.toLowerCase() !== cid) continue;
      if (rid !== undefined && this.request[i]!.toLowerCase() !== rid) continue;
      out.push(this.entry(i));
    }
    return out;
  }

  /** Every sign-in held, newest first, as the simulated sign-in logs serve them. */
  *newestFirst(): Generator<LoggedSignIn> {
    for (let n = 0; n < this.size; n++) {
      const i = (this.next - 1 - n + this.capacity) % this.capacity;
      const agentId = this.agentId[i];
      yield {
        correlationId: this.correlation[i]!,
        requestId: this.request[i]!,
        startedAt: this.started[i]!,
        at: this.at[i]!,
        userPrincipalName: this.user[i]!,
        appId: this.app[i]!,
        ip: this.ip[i]!,
        errorCode: this.code[i]!,
        processingMs: this.processing[i]!,
        ...(agentId !== undefined ? { agentId } : {}),
      };
    }
  }

  /** Sign-ins held right now. */
  get count(): number {
    return this.size;
  }

  private entry(i: number): SignInEntry {
    const agent = this.agent[i];
    return {
      correlationId: this.correlation[i]!,
      requestId: this.request[i]!,
      at: this.at[i]!,
      userPrincipalName: this.user[i]!,
      status: this.status[i]!,
      errorCode: this.code[i]!,
      ...(agent !== undefined ? { agent } : {}),
      processingMs: Math.round(this.processing[i]! * 1000) / 1000,
    };
  }
}
