import { join } from 'node:path';
import { attributedSummary } from '../analysis/attributed.js';
import { RunAnalyser } from '../analysis/summary.js';
import type { Analysis, Summary } from '../analysis/summary-types.js';
import { ResultsError } from '../errors.js';
import type { Threshold } from '../profile/schema.js';
import { parseThreshold } from '../profile/thresholds.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { readAttribution } from '../results/attribution-file.js';
import { openResults } from '../results/reader.js';
import { RESULTS_FILES, type RunInfo } from '../results/run-info.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

/**
 * Reads a results folder (streaming its interval log), analyses it and writes summary.json, report.md and
 * report.html into it. Thresholds default to those of the profile recorded in run.json.
 */
export async function rebuildReports(dir: string, thresholds?: readonly Threshold[]): Promise<Summary> {
  const { run, analysis } = await analyseFolder(dir, thresholds);
  await writeReports(dir, run, analysis);
  return analysis.summary;
}

/** The analysis of a results folder, without writing anything. */
async function analyseFolder(
  dir: string,
  thresholds?: readonly Threshold[],
): Promise<{ run: RunInfo; analysis: Analysis }> {
  const opened = await openResults(dir);
  const analyser = new RunAnalyser(opened.run);
  for await (const { record, histograms } of opened.intervals()) analyser.add(record, histograms);
  const analysis = analyser.finish(thresholds ?? profileThresholds(dir, opened.run), opened.notes);
  const attribution = await readAttribution(dir);
  if (!attribution) return { run: opened.run, analysis };
  return {
    run: opened.run,
    analysis: { ...analysis, summary: { ...analysis.summary, attributed: attributedSummary(attribution) } },
  };
}

async function writeReports(dir: string, run: RunInfo, analysis: Analysis): Promise<void> {
  await writeFileAtomic(join(dir, RESULTS_FILES.summary), `${JSON.stringify(analysis.summary, null, 2)}\n`);
  await writeFileAtomic(join(dir, RESULTS_FILES.markdown), renderMarkdown(run, analysis));
  await writeFileAtomic(join(dir, RESULTS_FILES.html), renderHtml(run, analysis));
}

/** run.json keeps the normalised profile; its thresholds are Threshold objects (or, tolerated, their strings). */
function profileThresholds(dir: string, run: RunInfo): Threshold[] {
  const resolved = run.profile.resolved as { thresholds?: unknown } | null | undefined;
  const list = resolved?.thresholds;
  if (list === undefined || list === null) return [];
  const where = `${join(dir, RESULTS_FILES.run)}: profile.resolved.thresholds`;
  if (!Array.isArray(list))
    throw new ResultsError(`${where}: expected a list; the file is damaged, rerun the test.`);
  return list.map((item: unknown, i) => {
    if (typeof item === 'string') {
      const parsed = parseThreshold(item);
      if (!parsed.ok) throw new ResultsError(`${where}[${i}]: ${parsed.error}.`);
      return parsed.threshold;
    }
    if (isThreshold(item)) return item;
    throw new ResultsError(`${where}[${i}]: not a threshold; the file is damaged, rerun the test.`);
  });
}

function isThreshold(x: unknown): x is Threshold {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Partial<Threshold>;
  return (
    typeof t.expression === 'string' &&
    typeof t.value === 'number' &&
    typeof t.op === 'string' &&
    typeof t.scope === 'object' &&
    typeof t.metric === 'object'
  );
}
