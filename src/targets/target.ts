import type { AgentSpec, TimelineEvent } from '../profile/schema.js';
import type { RequestSpec } from '../transport/request-spec.js';
import type { UserTableData } from '../users/user-table.js';
import type { HookRun } from './entra/hooks.js';

/** What became of one timeline event, as run.json keeps it. */
export interface AppliedEvent {
  readonly ok: boolean;
  readonly error?: string;
  /** Agents the event took out of service or brought in (a site failure names several). */
  readonly agents: readonly string[];
  readonly detail?: Record<string, unknown>;
  readonly hook?: HookRun;
}

/**
 * One adapter per kind of target (the simulated tenant, a real Entra test tenant) behind one interface,
 * so the coordinator never asks which it is driving.
 */
export interface Target {
  readonly kind: 'sim' | 'entra';
  /** Authority origin, e.g. http://127.0.0.1:43121 or https://login.microsoftonline.com. */
  readonly url: string;
  readonly tenant: string;
  /** How workers reach the token endpoint (no connection sizing: that is the run's). */
  readonly request: Omit<RequestSpec, 'connections' | 'timeoutMs'>;
  /**
   * The users laid out once in shared memory, ready to send: built by the target as it reads or derives
   * them, so no other copy of a million users outlives the start (every worker reads these bytes).
   */
  readonly users: UserTableData;
  /** The agents at the start of the run. */
  readonly agents: readonly AgentSpec[];
  /** Carries out one timeline event; never throws (a failure comes back as `ok: false`). */
  applyEvent(event: TimelineEvent): Promise<AppliedEvent>;
  /**
   * Why the run must stop now, if it must (e.g. a hook failed and the profile says to stop then). Asked
   * after every interval; absent means never.
   */
  stopReason?(): string | undefined;
  close(): Promise<void>;
}
