import type { SimAgentSpec, VersionProfile } from '../protocol/agent-spec.js';
import type { TestUser } from '../protocol/test-user.js';

/** Wall-clock milliseconds since the epoch. Injected so lockout windows can be tested without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface LockoutPolicy {
  /** Distinct wrong passwords that lock the account (Entra's default 10). */
  readonly threshold: number;
  /** First lockout length (Entra's default 60 s). */
  readonly durationMs: number;
  /** Each further lockout lasts this many times longer than the one before (default 2). */
  readonly growth?: number;
}

/** A shared on-prem directory (domain controller) that every agent's logon call goes through. */
export interface DirectoryCapacity {
  readonly concurrency: number;
  readonly serviceTimeMs: number;
}

export interface SimOptions {
  readonly host?: string;
  readonly port?: number;
  /** Tenant GUID (random when absent). */
  readonly tenant?: string;
  /** Verified domain; default the first user's domain, else `contoso.test`. */
  readonly domain?: string;
  /** Application (client) id of the public client the ROPC requests use (random when absent). */
  readonly clientId?: string;
  /** Default: 4 agents `agent-1..4`. */
  readonly agents?: readonly SimAgentSpec[];
  /** Performance profile per agent version label. */
  readonly versions?: Readonly<Record<string, VersionProfile>>;
  readonly users?: readonly TestUser[];
  readonly tls?: boolean;
  /** Where the CA PEM is written in TLS mode (default a file in the temp folder). */
  readonly caFile?: string;
  /** Seeds service times, dispatch choices and error draws (and, in the CLI, generated users). */
  readonly seed?: number | string;
  readonly adminToken?: string;
  /** How long Entra waits for an agent's answer before 80002 (unconfirmed; default 10 s). */
  readonly ptaTimeoutMs?: number;
  /**
   * How long a validation request waits in the queue for an agent before its message expires
   * (unconfirmed; default half of `ptaTimeoutMs`, leaving the other half for the agent to answer).
   */
  readonly queueTimeoutMs?: number;
  /** How long a crashed agent keeps receiving its share of requests (unconfirmed; default 10 s). */
  readonly detectionDelayMs?: number;
  readonly lockout?: LockoutPolicy;
  readonly directory?: DirectoryCapacity;
  readonly clock?: Clock;
  /** Human-readable progress lines (never passwords). */
  readonly logger?: (line: string) => void;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  domain: 'contoso.test',
  agents: 4,
  ptaTimeoutMs: 10_000,
  detectionDelayMs: 10_000,
  lockout: { threshold: 10, durationMs: 60_000, growth: 2 },
} as const;
