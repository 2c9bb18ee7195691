import type { AgentSpec, TimelineEvent } from '../profile/schema.js';
import type { TestUser } from '../protocol/test-user.js';
import type { UserColumns } from '../protocol/user-columns.js';
import type { RequestSpec } from '../transport/request-spec.js';
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
  /** Column-wise for large lists, so a million users are a few buffers rather than a million objects. */
  readonly users: UserColumns | readonly TestUser[];
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
