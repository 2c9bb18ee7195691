/** The lock that keeps two processes from writing one results folder at once: a file made with 'wx', holding the pid. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultsError } from '../errors.js';

export const LOCK_FILE = '.ptaload.lock';

/** Whether a process with this pid is alive (EPERM: alive, but someone else's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the folder's lock or refuses. A lock left by a dead process (kill -9, a crash) is taken over; so is
 * one holding this process's own pid, which in a container (pid 1 every time) is a leftover of an earlier life.
 */
export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new ResultsError(
        `${dir}: another ptaload (pid ${pid}) is writing this results folder right now; wait for it to end or choose another --out. (If no such run is going on, delete ${file}.)`,
      );
    }
    await rm(file, { force: true });
  }
  throw new ResultsError(
    `${dir}: another process keeps taking this folder's lock (${file}); choose another --out.`,
  );
}
