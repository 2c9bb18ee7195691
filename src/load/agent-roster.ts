import type { AgentSpec, TimelineEvent } from '../profile/schema.js';

interface Span {
  readonly name: string;
  readonly site: string;
  from: number;
  to: number;
}

/**
 * Which agents are in service when, as the harness knows it: the initial set, then every applied timeline
 * event. Degraded agents stay in service (they answer, slowly or badly); removed and failed ones leave.
 */
export class AgentRoster {
  private readonly spans: Span[] = [];
  private readonly sites = new Map<string, string>();

  constructor(initial: readonly AgentSpec[]) {
    for (const a of initial) this.join(a.name, a.site, Number.NEGATIVE_INFINITY);
  }

  apply(event: TimelineEvent, atMs: number, affected: readonly string[]): void {
    switch (event.action) {
      case 'add':
        this.join(event.agent.name, event.agent.site, atMs);
        break;
      case 'remove':
        this.leave(event.agent, atMs);
        break;
      case 'fail-site':
        for (const name of affected.length > 0 ? affected : this.inSite(event.site)) this.leave(name, atMs);
        break;
      case 'restore-site':
        for (const name of affected.length > 0 ? affected : this.knownInSite(event.site)) {
          this.join(name, event.site, atMs);
        }
        break;
      case 'degrade':
      case 'restore':
        break;
    }
  }

  activeAt(tMs: number): string[] {
    const names = new Set<string>();
    for (const s of this.spans) if (s.from <= tMs && tMs < s.to) names.add(s.name);
    return [...names].sort(naturalCompare);
  }

  private join(name: string, site: string, atMs: number): void {
    if (this.open(name)) return;
    this.sites.set(name, site);
    this.spans.push({ name, site, from: atMs, to: Number.POSITIVE_INFINITY });
  }

  private leave(name: string, atMs: number): void {
    const span = this.open(name);
    if (span) span.to = atMs;
  }

  private open(name: string): Span | undefined {
    return this.spans.find((s) => s.name === name && s.to === Number.POSITIVE_INFINITY);
  }

  private inSite(site: string): string[] {
    return this.spans.filter((s) => s.site === site && s.to === Number.POSITIVE_INFINITY).map((s) => s.name);
  }

  private knownInSite(site: string): string[] {
    return [...this.sites].filter(([, s]) => s === site).map(([n]) => n);
  }
}

/** agent-2 before agent-10. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
