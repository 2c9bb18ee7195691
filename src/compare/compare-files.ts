import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../results/atomic-write.js';
import { renderCompareHtml } from './compare-html.js';
import { renderCompareMarkdown } from './compare-markdown.js';
import type { Comparison } from './compare-types.js';

const COMPARE_FILES = { markdown: 'compare.md', html: 'compare.html' } as const;

/** Writes compare.md and compare.html into `dir` (made if missing); returns their paths. */
export async function writeCompareReports(dir: string, comparison: Comparison): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const md = join(dir, COMPARE_FILES.markdown);
  const html = join(dir, COMPARE_FILES.html);
  await writeFileAtomic(md, renderCompareMarkdown(comparison));
  await writeFileAtomic(html, renderCompareHtml(comparison));
  return [md, html];
}
