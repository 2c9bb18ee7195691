import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json, read once (works from src/ under tsx and from dist/). */
export function toolVersion(): string {
  if (cached) return cached;
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'ptaload' && pkg.version) {
        cached = pkg.version;
        return cached;
      }
    } catch {
      // try the next candidate
    }
  }
  cached = '0.0.0';
  return cached;
}
