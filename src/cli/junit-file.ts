/** `--junit FILE`: the run's thresholds as JUnit XML where a CI pipeline picks up test results. */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { Summary } from '../analysis/summary-types.js';
import { UsageError } from '../errors.js';
import { renderJunit } from '../report/junit.js';
import { writeFileAtomic } from '../results/atomic-write.js';

export async function writeJunit(file: string, summaries: readonly Summary[]): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, renderJunit(summaries, { hostname: hostname() }));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(
      `--junit ${file}: cannot write the JUnit file (${code}); the results folder is complete, choose a writable path and rebuild it with ptaload report <folder> --junit <file>.`,
    );
  }
}
