import { join } from 'node:path';
import { writeFileAtomic } from '../results/atomic-write.js';
import type { PlanDocument } from './plan-document.js';
import { renderPlanHtml } from './plan-html.js';
import { renderPlanMarkdown } from './plan-markdown.js';

export const PLAN_FILES = { json: 'plan.json', markdown: 'plan.md', html: 'plan.html' } as const;

/** Writes plan.json, plan.md and plan.html into `dir` (each whole, atomically); returns their paths. */
export async function writePlan(dir: string, doc: PlanDocument): Promise<string[]> {
  const files = [
    [PLAN_FILES.json, `${JSON.stringify(doc, null, 2)}\n`],
    [PLAN_FILES.markdown, renderPlanMarkdown(doc)],
    [PLAN_FILES.html, renderPlanHtml(doc)],
  ] as const;
  for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
