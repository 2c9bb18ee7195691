/** The order agents are listed in everywhere (tables, legends, terminal): agent-2 before agent-10. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export const naturalCompare = (a: string, b: string): number =>
  collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** A sorted copy. */
export function naturalSort<T extends string>(names: Iterable<T>): T[] {
  return [...names].sort(naturalCompare);
}
