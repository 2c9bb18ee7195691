/** Where the profiles shipped in the package are, found from this file rather than the current folder. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of a profile in the package's profiles/ folder. From src/ (tsx, a clone) it is two folders up,
 * from dist/src/ (the installed package, `npx ptaload`) three; so `ptaload run` works from any folder.
 */
export function shippedProfile(file: string): string {
  const candidates = ['../../profiles/', '../../../profiles/'].map((rel) =>
    fileURLToPath(new URL(rel + file, import.meta.url)),
  );
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}
