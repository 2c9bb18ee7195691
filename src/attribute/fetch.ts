/**
 * Pulls a run's sign-ins from the logs into its results folder, page by page, until coverage stops growing:
 * every page is appended to signins.jsonl and the next link saved, so an interrupted fetch resumes.
 */
import { appendFile, readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { type GraphSignIn, signInSchema } from '../protocol/graph-signin.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import type { GraphClock, SignInLogClient, SignInQuery } from '../targets/entra/graph-signins.js';

const stateSchema = z.object({
  query: z.object({ fromIso: z.string(), toIso: z.string(), appId: z.string() }),
  /** Where the pass under way goes on; absent between passes. */
  nextLink: z.string().optional(),
  passes: z.int().min(0),
  pages: z.int().min(0),
});
type FetchState = z.infer<typeof stateSchema>;

export interface FetchPaths {
  readonly rows: string;
  readonly state: string;
}

export interface FetchOptions {
  readonly client: SignInLogClient;
  readonly clock: GraphClock;
  readonly firstUrl: (q: SignInQuery) => URL;
  readonly query: SignInQuery;
  /** How many kept sign-ins a full fetch would find: stop as soon as all are there. */
  readonly wanted: (rows: ReadonlyMap<string, GraphSignIn>) => number;
  readonly target: number;
  /** Wait between passes while the logs are still filling (they arrive minutes late). */
  readonly pollMs: number;
  /** Give up waiting for more at this epoch ms. */
  readonly deadlineMs: number;
  /** Passes in a row that found nothing new before the fetch settles. */
  readonly settleAfter: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface FetchOutcome {
  readonly rows: Map<string, GraphSignIn>;
  readonly passes: number;
  readonly pages: number;
  readonly resumed: boolean;
  readonly why: 'complete' | 'settled' | 'deadline';
}

export async function fetchSignIns(paths: FetchPaths, o: FetchOptions): Promise<FetchOutcome> {
  const rows = await readRows(paths.rows);
  const saved = await readState(paths.state, o.query);
  const resumed = saved !== undefined && (saved.nextLink !== undefined || rows.size > 0);
  let state: FetchState = saved ?? { query: { ...o.query }, passes: 0, pages: 0 };
  if (resumed) {
    o.log(
      `sign-in logs: resuming (${rows.size} sign-ins already fetched${state.nextLink ? `, pass ${state.passes + 1} at page ${state.pages + 1}` : ''})`,
    );
  }
  let quiet = 0;
  for (;;) {
    const before = rows.size;
    let link: string | URL = state.nextLink ?? o.firstUrl(o.query);
    for (;;) {
      const page = await o.client.page(link, o.signal);
      const fresh = page.rows.filter((r) => !rows.has(r.id));
      for (const r of fresh) rows.set(r.id, r);
      if (fresh.length > 0) await appendFile(paths.rows, fresh.map((r) => `${JSON.stringify(r)}\n`).join(''));
      state = {
        ...state,
        pages: state.pages + 1,
        ...(page.nextLink ? { nextLink: page.nextLink } : { nextLink: undefined }),
      };
      if (!page.nextLink) delete state.nextLink;
      await writeFileAtomic(paths.state, `${JSON.stringify(state)}\n`);
      if (!page.nextLink) break;
      link = page.nextLink;
    }
    state = { ...state, passes: state.passes + 1 };
    await writeFileAtomic(paths.state, `${JSON.stringify(state)}\n`);
    const found = o.wanted(rows);
    o.log(
      `sign-in logs: pass ${state.passes}: ${rows.size} fetched, ${found} of ${o.target} kept sign-ins found (${pct(found, o.target)})`,
    );
    if (found >= o.target)
      return { rows, passes: state.passes, pages: state.pages, resumed, why: 'complete' };
    quiet = rows.size > before ? 0 : quiet + 1;
    if (quiet >= o.settleAfter)
      return { rows, passes: state.passes, pages: state.pages, resumed, why: 'settled' };
    if (o.clock.nowMs() + o.pollMs > o.deadlineMs)
      return { rows, passes: state.passes, pages: state.pages, resumed, why: 'deadline' };
    await o.clock.wait(o.pollMs, o.signal);
  }
}

async function readRows(path: string): Promise<Map<string, GraphSignIn>> {
  const rows = new Map<string, GraphSignIn>();
  if (!(await stat(path).catch(() => undefined))) return rows;
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (!line) continue;
    // A fetch killed mid-write may leave a cut last line: that page is fetched again.
    let parsed: ReturnType<typeof signInSchema.safeParse>;
    try {
      parsed = signInSchema.safeParse(JSON.parse(line));
    } catch {
      continue;
    }
    if (parsed.success) rows.set(parsed.data.id, parsed.data);
  }
  return rows;
}

async function readState(path: string, query: SignInQuery): Promise<FetchState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return undefined;
  const q = parsed.data.query;
  // A different window or app is a different fetch: start its passes afresh (rows already fetched are kept).
  if (q.fromIso !== query.fromIso || q.toIso !== query.toIso || q.appId !== query.appId) {
    return { query: { ...query }, passes: 0, pages: 0 };
  }
  return parsed.data;
}

function pct(n: number, of: number): string {
  return of === 0 ? '–' : `${Math.round((n / of) * 1000) / 10} %`;
}
