import { InvalidArgumentError } from 'commander';

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
