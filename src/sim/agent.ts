import {
  DEFAULT_SITE,
  DEFAULT_VERSION,
  type Degrade,
  nominalCapacity,
  type SimAgentSpec,
  type VersionProfile,
} from '../protocol/agent-spec.js';
import { simAgentId } from '../protocol/graph-signin.js';

export type AgentState = 'active' | 'draining' | 'crashed' | 'removed' | 'degraded';

/** What `GET /_sim/agents` shows for one agent. `slowFactor`/`errorRate` are what it runs at now. */
export interface AgentView {
  readonly name: string;
  /** The GUID the sign-in logs name it by. */
  readonly agentId: string;
  readonly version: string;
  readonly site: string;
  readonly cores: number;
  readonly capacity: number;
  readonly state: AgentState;
  readonly slowFactor: number;
  readonly errorRate: number;
  readonly served: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly inFlight: number;
}

/**
 * One incarnation of an agent's connection to the queue. Reviving an agent starts a new run, so
 * validations still held by a crashed run can never free the cores of the new one.
 */
export class AgentRun {
  /** Its receivers are on the queue: it is handed requests. */
  accepting = true;
  /** Crashed: validations still "finish" (the listener looks alive) but no answer ever comes back. */
  silent = false;
  busy = 0;

  constructor(
    readonly agent: Agent,
    readonly cores: number,
  ) {}
}

/** An authentication agent: its configuration, where it is in its life, and its counters. */
export class Agent {
  spec: Required<Omit<SimAgentSpec, 'host'>>;
  degrade: Degrade | null = null;
  lifecycle: 'running' | 'draining' | 'crashed' | 'removed' = 'running';
  run: AgentRun | null = null;
  served = 0;
  failed = 0;
  timedOut = 0;
  inFlight = 0;
  /** Effective mean service time (ms) and error rate, recomputed whenever spec/degrade/versions change. */
  meanServiceMs = 0;
  errorRate = 0;
  slowFactor = 1;

  constructor(spec: SimAgentSpec, versions: Readonly<Record<string, VersionProfile>>) {
    this.spec = resolveSpec(spec);
    this.refresh(versions);
  }

  get name(): string {
    return this.spec.name;
  }

  get state(): AgentState {
    if (this.lifecycle === 'running') return this.degrade ? 'degraded' : 'active';
    return this.lifecycle;
  }

  /** Slow factors multiply; error sources are independent, so rates combine as 1 − Π(1 − rᵢ). */
  refresh(versions: Readonly<Record<string, VersionProfile>>): void {
    const v = versions[this.spec.version] ?? {};
    const d = this.degrade ?? {};
    this.slowFactor = this.spec.slowFactor * (v.slowFactor ?? 1) * (d.slowFactor ?? 1);
    this.errorRate = 1 - (1 - this.spec.errorRate) * (1 - (v.errorRate ?? 0)) * (1 - (d.errorRate ?? 0));
    this.meanServiceMs = ((this.spec.cores * 1000) / this.spec.capacity) * this.slowFactor;
  }

  view(): AgentView {
    return {
      name: this.name,
      agentId: this.spec.agentId,
      version: this.spec.version,
      site: this.spec.site,
      cores: this.spec.cores,
      capacity: this.spec.capacity,
      state: this.state,
      slowFactor: this.slowFactor,
      errorRate: this.errorRate,
      served: this.served,
      failed: this.failed,
      timedOut: this.timedOut,
      inFlight: this.inFlight,
    };
  }
}

function resolveSpec(spec: SimAgentSpec): Agent['spec'] {
  return {
    name: spec.name,
    cores: spec.cores ?? 4,
    capacity: nominalCapacity(spec),
    version: spec.version ?? DEFAULT_VERSION,
    site: spec.site ?? DEFAULT_SITE,
    slowFactor: spec.slowFactor ?? 1,
    errorRate: spec.errorRate ?? 0,
    agentId: (spec.agentId ?? simAgentId(spec.name)).toLowerCase(),
  };
}
