/** Writing a results folder's files whole: a rewrite through a temporary file, appends that are all or nothing. */
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ResultsError } from '../errors.js';

/** What to do about a write that failed, by errno: a full disk, a read-only or forbidden folder. */
const FIX: Record<string, string> = {
  ENOSPC: 'the disk is full: free space there or choose another --out',
  EDQUOT: 'the disk quota is used up: free space there or choose another --out',
  EROFS: 'the file system is read-only: choose a writable --out',
  EACCES: 'this user may not write there: fix its permissions or choose another --out',
  EPERM: 'this user may not write there: fix its permissions or choose another --out',
};

/**
 * A failed write to a results folder as a ResultsError (exit 2: the folder given is not fit to hold
 * results) naming the folder, the errno and the fix; other errors pass through as they are.
 */
export function resultsWriteError(file: string, err: unknown): unknown {
  if (err instanceof ResultsError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return err;
  const fix = FIX[code] ?? 'check the folder and the disk it is on, or choose another --out';
  return new ResultsError(`${dirname(file)}: cannot write ${file} (${code}): ${fix}.`);
}

/** Writes a file whole, through a temporary file and a rename, so a reader never sees half of it. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    // A full disk must not also leave half a temporary file behind.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw resultsWriteError(file, err);
  }
}

/**
 * Appends text to several files as one step: when any append fails (a full disk cuts a write short), every
 * file is cut back to its length before the step, so each file still ends at its last complete line and
 * no file holds a part of the step the others lack. Truncating frees space, so it works on a full disk.
 */
export async function appendWhole(
  appends: readonly (readonly [file: string, text: string])[],
): Promise<void> {
  const done: { file: string; size: number }[] = [];
  let current = '';
  try {
    for (const [file, text] of appends) {
      current = file;
      const handle = await open(file, 'a');
      try {
        done.push({ file, size: (await handle.stat()).size });
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
    }
  } catch (err) {
    for (const { file, size } of done) {
      const handle = await open(file, 'r+').catch(() => undefined);
      await handle?.truncate(size).catch(() => undefined);
      await handle?.close().catch(() => undefined);
    }
    throw resultsWriteError(current, err);
  }
}
