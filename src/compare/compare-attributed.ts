/** Per-agent figures from the sign-in logs of both runs, side by side: shown, not judged (they are Entra's, delayed, and may cover samples). */
import { readAttribution } from '../results/attribution-file.js';

export interface AttributedPair {
  readonly agent: string;
  readonly baseline: {
    readonly requests: number;
    readonly p50: number | null;
    readonly p99: number | null;
  } | null;
  readonly candidate: {
    readonly requests: number;
    readonly p50: number | null;
    readonly p99: number | null;
  } | null;
}

/** Rows for every agent either run attributed; empty unless both folders went through `ptaload attribute`. */
export async function attributedPairs(baselineDir: string, candidateDir: string): Promise<AttributedPair[]> {
  const [b, c] = await Promise.all([readAttribution(baselineDir), readAttribution(candidateDir)]);
  if (!b || !c) return [];
  const pick = (f: typeof b, name: string) => {
    const a = f.agents.find((x) => x.name === name);
    return a ? { requests: a.requests, p50: a.processingMs.p50, p99: a.processingMs.p99 } : null;
  };
  const names = [...new Set([...b.agents, ...c.agents].map((a) => a.name))].sort((x, y) =>
    x.localeCompare(y, 'en', { numeric: true }),
  );
  return names.map((agent) => ({ agent, baseline: pick(b, agent), candidate: pick(c, agent) }));
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v} ms`);
const HEAD = ['Agent', 'Sign-ins (base → cand)', 'Entra p50 (base → cand)', 'Entra p99 (base → cand)'];

function cells(p: AttributedPair): string[] {
  return [
    p.agent,
    `${p.baseline?.requests ?? '–'} → ${p.candidate?.requests ?? '–'}`,
    `${ms(p.baseline?.p50)} → ${ms(p.candidate?.p50)}`,
    `${ms(p.baseline?.p99)} → ${ms(p.candidate?.p99)}`,
  ];
}

const ATTRIBUTED_INTRO =
  'Per agent, from Entra’s sign-in logs (ptaload attribute): Entra-side processing time, not the client latency judged above; shown for reading, not judged.';

export function attributedMarkdownLines(
  pairs: readonly AttributedPair[],
  esc: (s: string) => string,
): string[] {
  if (pairs.length === 0) return [];
  const line = (c: readonly string[]) => `| ${c.map(esc).join(' | ')} |`;
  return [
    '',
    '## Agents, from the sign-in logs',
    '',
    esc(ATTRIBUTED_INTRO),
    '',
    line(HEAD),
    line(HEAD.map(() => '---')),
    ...pairs.map((p) => line(cells(p))),
  ];
}

export function attributedHtml(pairs: readonly AttributedPair[], esc: (s: string) => string): string {
  if (pairs.length === 0) return '';
  const row = (c: readonly string[], tag: 'td' | 'th') =>
    `<tr>${c.map((x) => `<${tag}>${esc(x)}</${tag}>`).join('')}</tr>`;
  return `<section id="attributed"><h2>Agents, from the sign-in logs</h2><p class="rules">${esc(ATTRIBUTED_INTRO)}</p><div class="scroll"><table><thead>${row(HEAD, 'th')}</thead><tbody>${pairs.map((p) => row(cells(p), 'td')).join('')}</tbody></table></div></section>`;
}

export function attributedConsoleLines(pairs: readonly AttributedPair[]): string[] {
  if (pairs.length === 0) return [];
  return ['from the sign-in logs (not judged):', ...pairs.map((p) => `  ${cells(p).join('  ')}`)];
}
