import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ProfileError } from '../errors.js';

export type IssuePath = readonly PropertyKey[];

/** A profile's text as data, plus a way back from a field path to the line it was written on. */
export interface ProfileSource {
  readonly value: unknown;
  /** 1-based line of the field at `path` (of its key when `key` is set), or of its nearest parent. */
  lineOf(path: IssuePath, key?: string): number | undefined;
}

/**
 * Reads YAML, or JSON (by extension or a leading `{`) with JSON's own parser. YAML 1.2 reads JSON too,
 * so the YAML document still maps field paths back to lines for both.
 */
export function readProfileSource(text: string, sourceName: string): ProfileSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const looksJson = /\.json$/i.test(sourceName) || text.trimStart().startsWith('{');
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;

  let value: unknown;
  if (looksJson) {
    // JSON rules, not YAML's more lenient ones ("a": followed by nothing is null in YAML).
    value = parseJson(text, sourceName, lineAt, doc.errors[0]?.pos[0]);
  } else if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new ProfileError(`${sourceName}:${lineAt(err.pos[0])}: not valid YAML: ${firstLine(err.message)}.`);
  } else {
    value = doc.toJS({ maxAliasCount: 100 });
  }
  if (value === null || value === undefined) {
    throw new ProfileError(`${sourceName}: the profile is empty; start from profiles/quickstart.yaml.`);
  }

  return {
    value,
    lineOf(path, key) {
      for (let n = path.length; n >= 0; n--) {
        const node =
          doc.errors.length > 0
            ? undefined
            : (doc.getIn(path.slice(0, n) as unknown[], true) as Node | undefined);
        if (!node) continue;
        if (n === path.length && key !== undefined && isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
          const keyNode = pair?.key as Node | undefined;
          if (keyNode?.range) return lineAt(keyNode.range[0]);
        }
        if (node.range) return lineAt(node.range[0]);
        if (isSeq(node) || isMap(node)) continue;
      }
      return undefined;
    },
  };
}

function parseJson(
  text: string,
  sourceName: string,
  lineAt: (offset: number) => number,
  yamlErrorAt?: number,
): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    // Node gives a position for some mistakes only; YAML's parser often finds the same spot.
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : yamlErrorAt;
    const where = offset === undefined ? sourceName : `${sourceName}:${lineAt(offset)}`;
    const why = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*$/s, '');
    throw new ProfileError(`${where}: not valid JSON: ${why.replace(/\.$/, '')}.`);
  }
}

/** yaml's pretty messages carry a code frame after the first line; one sentence is enough here. */
function firstLine(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(/\.$/, '');
}
