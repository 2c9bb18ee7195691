/** The space a results folder keeps back from the start, so its final run.json can be written on a disk that filled up. */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resultsWriteError } from './atomic-write.js';

/** Hidden, and no results file: readers never open it, and a folder a crash left it in stays an ordinary results folder. */
export const RESERVE_FILE = '.ptaload.reserve';

/** Room for a final run.json several times over, and what is left of it for summary.json and the reports. */
export const MIN_RESERVE_BYTES = 1024 * 1024;

export interface SpaceReserve {
  /**
   * Writes `text` as `file` in the reserve's own blocks: overwritten in place, cut to length, renamed over
   * `file`. Atomic like any rewrite, yet it needs no free space (and none a process filling the disk could
   * take first); the rest of the reserve is freed for the writes after it. False when the reserve is spent
   * or too small for `text`: then it is released, and the caller writes the ordinary way.
   */
  commit(file: string, text: string): Promise<boolean>;
  /** Deletes what is left of the reserve (nothing after a commit). */
  release(): Promise<void>;
}

/**
 * Takes `bytes` of the folder's disk now, while there is room. Random bytes, not zeros: a file system
 * that compresses or deduplicates would store zeros in next to no space, and the reserve would hold none.
 * A disk too full for it fails here, as a ResultsError, before the run has sent anything.
 */
export async function reserveSpace(dir: string, bytes: number): Promise<SpaceReserve> {
  const path = join(dir, RESERVE_FILE);
  try {
    await writeFile(path, randomBytes(bytes));
  } catch (err) {
    await rm(path, { force: true }).catch(() => undefined);
    throw resultsWriteError(path, err);
  }
  let spent = false;
  const release = async (): Promise<void> => {
    spent = true;
    await rm(path, { force: true });
  };
  return {
    release,
    async commit(file, text) {
      const content = Buffer.from(text);
      if (spent || content.length > bytes) {
        await release();
        return false;
      }
      spent = true;
      try {
        const handle = await open(path, 'r+');
        try {
          await handle.writeFile(content);
          await handle.truncate(content.length);
        } finally {
          await handle.close();
        }
        await rename(path, file);
        return true;
      } catch (err) {
        await rm(path, { force: true }).catch(() => undefined);
        throw resultsWriteError(file, err);
      }
    },
  };
}
