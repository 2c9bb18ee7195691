import type { SimAgentSpec, VersionProfile } from '../protocol/agent-spec.js';
import type { UserRecipe } from '../protocol/generated-users.js';
import { type InjectRequest, SIM_DEFAULTS } from '../protocol/sim-defaults.js';
import type { TestUser } from '../protocol/test-user.js';

/** Wall-clock milliseconds since the epoch. Injected so lockout windows can be tested without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface LockoutPolicy {
  /** Wrong passwords that lock the account (Entra's default 10; 3 in US Government clouds). */
  readonly threshold: number;
  /** First lockout length (Entra's default 60 s). */
  readonly durationMs: number;
  /** Each further lockout lasts this many times longer than the one before (default 2). */
  readonly growth?: number;
  /**
   * Do not count a repeat of one of the last three wrong passwords again. Entra does this only for
   * password hash sync and cloud accounts: with PTA every wrong password counts. Default false (PTA).
   */
  readonly hashTracking?: boolean;
}

/**
 * The on-premises AD account lockout policy the agents' logon calls meet: `threshold` bad passwords
 * within `windowMs` ("reset account lockout counter after") lock the AD account for `durationMs`. A
 * locked AD account refuses even the right password, answered through the agent (50053: unconfirmed).
 */
export interface OnPremLockoutPolicy {
  readonly threshold: number;
  readonly windowMs: number;
  readonly durationMs: number;
}

/**
 * Entra's "client request loop" protection (AADSTS50196): more than `threshold` sign-ins of one user
 * to one app within `windowMs`. The real limits are not published (unconfirmed): off unless given.
 */
export interface RequestLoopPolicy {
  readonly threshold: number;
  readonly windowMs: number;
}

/** The app registration the ROPC requests use. */
export interface AppRegistration {
  /** `public`: public client flows allowed, no secret (default). `confidential`: a client secret is required. */
  readonly type: 'public' | 'confidential';
  /** The confidential client's secret (never logged). */
  readonly secret?: string;
  /** The secret has expired (7000222). */
  readonly secretExpired?: boolean;
}

/** A shared on-prem directory (domain controller) that every agent's logon call goes through. */
export interface DirectoryCapacity {
  readonly concurrency: number;
  readonly serviceTimeMs: number;
}

/** An app registration allowed to ask for Graph tokens, and the application permissions consented to it. */
export interface GraphAppRegistration {
  readonly clientId: string;
  readonly secret?: string;
  /** PEM of the certificate uploaded to the app (its public key checks client assertions). */
  readonly certificatePem?: string;
  /** Default: the sign-in log permission. */
  readonly permissions?: readonly string[];
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
  /**
   * Users the simulator derives itself from `seed` by the shared generator (protocol/generated-users.ts), as
   * the harness does: a million users with no upload and no password on the wire. `users` take precedence.
   */
  readonly generate?: UserRecipe;
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
  readonly onPremLockout?: OnPremLockoutPolicy;
  readonly requestLoop?: RequestLoopPolicy;
  /** Answer every sign-in 50053, whatever the password: Entra blocking an IP it finds malicious. */
  readonly ipBlock?: boolean;
  /** From the start, a share (0..1) or a count of sign-ins ends with this AADSTS code (as `POST /_sim/inject`). */
  readonly inject?: InjectRequest;
  /**
   * What the client sees when an agent answers after Entra stopped waiting: 80002 (timed out, at the
   * deadline; the default) or 80014 (answered after the maximum elapsed time, when the answer comes).
   * Which one Entra sends is unconfirmed.
   */
  readonly lateAnswerCode?: 80002 | 80014;
  readonly app?: AppRegistration;
  /** Most agents the tenant registers (Entra's limit: 40). */
  readonly maxAgents?: number;
  readonly directory?: DirectoryCapacity;
  readonly clock?: Clock;
  /** How many of the latest sign-ins the sim keeps for `GET /_sim/signins` and its sign-in logs (default 100,000). */
  readonly signInRecord?: number;
  /** Name no agent in token replies, as Entra does (the harness then keys every live figure `tenant`). */
  readonly omitAgentHeader?: boolean;
  /** Microsoft Graph beside the authority: the sign-in logs, and the apps that may read them. */
  readonly graph?: {
    readonly apps?: readonly GraphAppRegistration[];
    readonly ingestionDelayMs?: number;
    readonly throttle?: {
      readonly requests: number;
      readonly windowMs: number;
      readonly retryAfterS: number;
    };
    readonly pageSize?: number;
    readonly tokenLifetimeS?: number;
    readonly ropcEventType?: 'nonInteractiveUser' | 'interactiveUser';
  };
  /** Human-readable progress lines (never passwords). */
  readonly logger?: (line: string) => void;
}

export const DEFAULTS = {
  ...SIM_DEFAULTS,
  host: '127.0.0.1',
  domain: 'contoso.test',
  agents: 4,
  app: { type: 'public' },
  maxAgents: 40,
} as const;
