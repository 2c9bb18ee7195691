import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';

/** A commander parser for a whole number within bounds, with an error that names the flag. */
export function intInRange(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}, got '${value}'.`);
    }
    return n;
  };
}

/**
 * `--prometheus-remote-write`: an http(s) URL; any host (it carries figures and names, never a secret).
 * Checked in the action, not as a commander parser: commander would echo the value, password and all.
 */
export function remoteWriteUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(
      `--prometheus-remote-write takes an http:// or https:// URL such as http://127.0.0.1:9090/api/v1/write, got '${value.replace(/\/\/[^@/]*@/, '//…@')}'.`,
    );
  }
  return url;
}
