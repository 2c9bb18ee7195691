import { TargetError } from '../../errors.js';
import { formatDuration } from '../../profile/quantities.js';
import type { AgentSpec, Profile, TimelineEvent } from '../../profile/schema.js';
import type { AppliedEvent } from '../target.js';
import {
  HOOK_PLACEHOLDERS,
  type HookRun,
  type HookVars,
  hookEnv,
  renderHook,
  runHook,
  unknownPlaceholders,
  usesPlaceholder,
} from './hooks.js';

type Agents = Profile['agents'];
type Hooks = NonNullable<Agents['hooks']>;
type HookKey = Exclude<keyof Hooks, 'timeoutMs' | 'stopOnFailure'>;

interface Run {
  readonly vars: HookVars;
  readonly template: string;
}

/**
 * A real tenant's agents change only through the user's hook commands: this turns each timeline event into
 * hook runs (one per agent, or one for a whole site), keeps the agent inventory the hooks are templated
 * from, and remembers a failure that should stop the run.
 */
export class HookTimeline {
  private readonly known = new Map<string, AgentSpec>();
  private readonly present = new Set<string>();
  private readonly failedSites = new Map<string, string[]>();
  private stop: string | undefined;

  constructor(
    private readonly agents: Agents,
    private readonly opts: {
      env: NodeJS.ProcessEnv;
      withholdEnv: readonly string[];
      redact: readonly string[];
    },
  ) {
    for (const a of agents.list) {
      this.known.set(a.name, a);
      this.present.add(a.name);
    }
  }

  /** Why the run must stop (a hook failed and hooks.stopOnFailure is set), once that has happened. */
  stopReason(): string | undefined {
    return this.stop;
  }

  async apply(event: TimelineEvent): Promise<AppliedEvent> {
    const hooks = this.agents.hooks;
    const plan = hooks ? this.plan(event, hooks) : { error: `no agents.hooks.${event.action} is set` };
    if ('error' in plan) return this.failed(event, { ok: false, error: plan.error, agents: [] });
    const runs = await Promise.all(plan.runs.map((r) => this.run(r, hooks!.timeoutMs)));
    const bad = runs.find((r) => r.error !== undefined);
    const applied: AppliedEvent = {
      ok: bad === undefined,
      ...(bad ? { error: bad.error } : {}),
      agents: plan.agents,
      ...(runs.length > 1 ? { detail: { hooks: runs.map((r) => r.hook) } } : {}),
      ...(runs[0]?.hook ? { hook: (bad ?? runs[0]).hook } : {}),
    };
    if (applied.ok) this.track(event, plan.agents);
    return this.failed(event, applied);
  }

  private failed(event: TimelineEvent, applied: AppliedEvent): AppliedEvent {
    if (!applied.ok && this.agents.hooks?.stopOnFailure && this.stop === undefined) {
      this.stop = `the ${event.action} hook at ${formatDuration(event.atMs)} failed (${applied.error ?? 'unknown error'}) and agents.hooks.stopOnFailure is set, so the run was stopped.`;
    }
    return applied;
  }

  private plan(event: TimelineEvent, hooks: Hooks): { runs: Run[]; agents: string[] } | { error: string } {
    const mode = 'mode' in event ? event.mode : '';
    const one = (key: HookKey, agent: AgentSpec) => {
      const template = hooks[key];
      if (template === undefined) return { error: `no agents.hooks.${key} is set` };
      return { runs: [{ template, vars: varsOf(agent, event.action, mode) }], agents: [agent.name] };
    };
    switch (event.action) {
      case 'add':
        return one('add', event.agent);
      case 'remove':
      case 'degrade':
      case 'restore':
        return one(event.action, this.agent(event.agent));
      case 'fail-site':
      case 'restore-site': {
        const failing = event.action === 'fail-site';
        const key: HookKey = failing ? 'fail-site' : 'restore-site';
        const fallback: HookKey = failing ? 'remove' : 'add';
        const template = hooks[key] ?? hooks[fallback];
        if (template === undefined) return { error: `no agents.hooks.${key} (nor ${fallback}) is set` };
        const members = failing
          ? [...this.present].filter((n) => this.known.get(n)?.site === event.site)
          : (this.failedSites.get(event.site) ??
            [...this.known.values()].filter((a) => a.site === event.site).map((a) => a.name));
        const perAgent = usesPlaceholder(template, 'name') || usesPlaceholder(template, 'host');
        const site: AgentSpec = { name: '', cores: 0, capacity: 0, version: '', site: event.site };
        const runs = perAgent
          ? members.map((n) => ({ template, vars: varsOf(this.agent(n), event.action, mode) }))
          : [{ template, vars: varsOf(site, event.action, mode) }];
        if (runs.length === 0) return { error: `no agent of site '${event.site}' is known to the hooks` };
        return { runs, agents: members };
      }
    }
  }

  private agent(name: string): AgentSpec {
    return this.known.get(name) ?? { name, cores: 0, capacity: 0, version: '', site: '' };
  }

  private async run(r: Run, timeoutMs: number): Promise<{ hook: HookRun; error?: string }> {
    const rendered = renderHook(r.template, r.vars);
    if ('error' in rendered) {
      const hook = {
        command: r.template,
        exitCode: null,
        timedOut: false,
        durationMs: 0,
        stdout: '',
        stderr: '',
      };
      return { hook, error: rendered.error };
    }
    const hook = await runHook(rendered.command, {
      timeoutMs,
      env: hookEnv(this.opts.env, r.vars, this.opts.withholdEnv),
      redact: this.opts.redact,
    });
    const who = r.vars.name || `site ${r.vars.site}`;
    if (hook.timedOut) return { hook, error: `hook for ${who} timed out after ${formatDuration(timeoutMs)}` };
    if (hook.exitCode !== 0) {
      const why = hook.exitCode === null ? 'could not run' : `exited with ${hook.exitCode}`;
      const said = lastLine(hook.stderr) || lastLine(hook.stdout);
      return { hook, error: `hook for ${who} ${why}${said ? `: ${said}` : ''}` };
    }
    return { hook };
  }

  private track(event: TimelineEvent, names: readonly string[]): void {
    switch (event.action) {
      case 'add':
        this.known.set(event.agent.name, event.agent);
        this.present.add(event.agent.name);
        break;
      case 'remove':
        this.present.delete(event.agent);
        break;
      case 'fail-site':
        this.failedSites.set(event.site, [...names]);
        for (const n of names) this.present.delete(n);
        break;
      case 'restore-site':
        this.failedSites.delete(event.site);
        for (const n of names) this.present.add(n);
        break;
      default:
        break;
    }
  }
}

function varsOf(agent: AgentSpec, action: string, mode: string): HookVars {
  return { name: agent.name, host: agent.host ?? '', site: agent.site, action, mode };
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return (lines[lines.length - 1] ?? '').slice(0, 200);
}

/**
 * Problems with the hooks that would only show mid-run, found before any request: a misspelt placeholder,
 * or `{host}` for an agent that has no host.
 */
export function checkHooks(agents: Agents): void {
  const hooks = agents.hooks;
  if (!hooks) return;
  const problems: string[] = [];
  const keys = Object.keys(hooks).filter((k) => k !== 'timeoutMs' && k !== 'stopOnFailure') as HookKey[];
  for (const key of keys) {
    const unknown = unknownPlaceholders(hooks[key] ?? '');
    if (unknown.length > 0) {
      problems.push(
        `agents.hooks.${key} uses {${unknown.join('}, {')}}; the placeholders are ${HOOK_PLACEHOLDERS.map((w) => `{${w}}`).join(' ')}`,
      );
    }
  }
  const everyAgent = [
    ...agents.list,
    ...agents.timeline.flatMap((e) => (e.action === 'add' ? [e.agent] : [])),
  ];
  const hostless = everyAgent.filter((a) => a.host === undefined).map((a) => a.name);
  const hostHooks = keys.filter((k) => usesPlaceholder(hooks[k] ?? '', 'host'));
  if (hostless.length > 0 && hostHooks.length > 0) {
    problems.push(
      `agents.hooks.${hostHooks[0]} uses {host} but agent(s) ${[...new Set(hostless)].join(', ')} have no host: add host: <machine name> to each`,
    );
  }
  if (problems.length > 0) throw new TargetError('TARGET_MISCONFIGURED', `${problems.join('; ')}.`);
}
