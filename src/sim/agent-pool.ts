import type { Degrade, SimAgentSpec, VersionProfile } from '../protocol/agent-spec.js';
import { Agent, AgentRun, type AgentView } from './agent.js';

export type RemoveMode = 'drain' | 'crash';

/** What the pool needs of the dispatcher: putting an agent's receivers on the queue and taking them off. */
export interface Receivers {
  listen(run: AgentRun): void;
  unlisten(run: AgentRun): void;
  crash(run: AgentRun): void;
}

/** A refused agent operation; `status` is the admin API's HTTP status for it. */
export class AgentOpError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** The tenant's registered agents and the operations the admin API (and tests) perform on them. */
export class AgentPool {
  private readonly byName = new Map<string, Agent>();

  constructor(
    private readonly dispatcher: Receivers,
    private readonly versions: Readonly<Record<string, VersionProfile>>,
    private readonly log: (line: string) => void = () => {},
    /** Entra registers at most 40 agents per tenant. */
    readonly maxAgents = 40,
  ) {}

  /** Agents the tenant has registered: every one not uninstalled (a crashed agent still shows, inactive). */
  get registered(): number {
    let n = 0;
    for (const a of this.byName.values()) if (a.lifecycle !== 'removed') n++;
    return n;
  }

  list(): AgentView[] {
    return [...this.byName.values()].map((a) => a.view());
  }

  get(name: string): Agent {
    const agent = this.byName.get(name);
    if (agent === undefined) throw new AgentOpError(404, `no agent named '${name}'`);
    return agent;
  }

  get inFlight(): number {
    let n = 0;
    for (const a of this.byName.values()) n += a.inFlight;
    return n;
  }

  /** Registers an agent, or revives a removed/crashed/draining one of that name with the new spec. */
  add(spec: SimAgentSpec): Agent {
    let agent = this.byName.get(spec.name);
    if (agent?.lifecycle === 'running') throw new AgentOpError(409, `agent '${spec.name}' is already active`);
    if ((agent === undefined || agent.lifecycle === 'removed') && this.registered >= this.maxAgents) {
      throw new AgentOpError(409, tooManyAgents(this.maxAgents));
    }
    if (agent === undefined) {
      agent = new Agent(spec, this.versions);
      this.byName.set(spec.name, agent);
    } else {
      agent.spec = new Agent(spec, this.versions).spec;
    }
    this.revive(agent);
    this.log(`agent ${agent.name} (v${agent.spec.version}, ${agent.spec.site}) joined`);
    return agent;
  }

  /** `drain`: takes nothing new, finishes what it holds. `crash`: what it holds is never answered. */
  remove(name: string, mode: RemoveMode): Agent {
    const agent = this.get(name);
    const run = agent.run;
    if (run === null || agent.lifecycle === 'removed' || agent.lifecycle === 'crashed') return agent;
    if (mode === 'crash') {
      agent.lifecycle = 'crashed';
      this.dispatcher.crash(run);
    } else if (agent.lifecycle === 'running') {
      agent.lifecycle = 'draining';
      this.dispatcher.unlisten(run);
    }
    this.log(`agent ${name} ${mode === 'crash' ? 'crashed' : 'draining'}`);
    return agent;
  }

  degrade(name: string, degrade: Degrade): Agent {
    const agent = this.get(name);
    agent.degrade = { ...degrade };
    agent.refresh(this.versions);
    this.log(`agent ${name} degraded (slow ×${agent.slowFactor}, errors ${agent.errorRate})`);
    return agent;
  }

  /** Clears any degrade and brings a removed, draining or crashed agent back. */
  restore(name: string): Agent {
    const agent = this.get(name);
    agent.degrade = null;
    agent.refresh(this.versions);
    if (agent.lifecycle === 'removed' && this.registered >= this.maxAgents) {
      throw new AgentOpError(409, tooManyAgents(this.maxAgents));
    }
    if (agent.lifecycle !== 'running') this.revive(agent);
    this.log(`agent ${name} restored`);
    return agent;
  }

  failSite(site: string, mode: RemoveMode): Agent[] {
    return this.atSite(site).map((a) => this.remove(a.name, mode));
  }

  restoreSite(site: string): Agent[] {
    return this.atSite(site).map((a) => this.restore(a.name));
  }

  private atSite(site: string): Agent[] {
    const agents = [...this.byName.values()].filter((a) => a.spec.site === site);
    if (agents.length === 0) throw new AgentOpError(404, `no agents at site '${site}'`);
    return agents;
  }

  private revive(agent: Agent): void {
    // A crashed agent still inside its detection window is still listening: that listener goes first.
    if (agent.run?.accepting) this.dispatcher.unlisten(agent.run);
    agent.lifecycle = 'running';
    agent.degrade = null;
    agent.refresh(this.versions);
    const run = new AgentRun(agent, agent.spec.cores);
    agent.run = run;
    this.dispatcher.listen(run);
  }
}

/** What Entra's admin center says, in substance, when a tenant already has its limit of agents. */
function tooManyAgents(max: number): string {
  return `this tenant already has ${max} authentication agents registered, the most Entra allows: the agent cannot be registered. Uninstall an agent you no longer need first (an uninstalled agent shows Inactive and drops off the list after 10 days).`;
}
