import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
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
  if (text.length > MAX_PROFILE_CHARS) {
    throw new ProfileError(
      `${sourceName}: ${Math.round(text.length / 1024)} KB is far too big for a profile (they are a few KB; at most ${MAX_PROFILE_CHARS / 1024} KB is read). Is this the right file? Users belong in a CSV (users.file), not in the profile.`,
    );
  }
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check compares each key with every other (80,000 keys took a minute); ours is a set.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true });
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
    const dup = duplicateKey(doc);
    if (dup) {
      throw new ProfileError(
        `${sourceName}:${lineAt(dup.offset)}: not valid YAML: Map keys must be unique ('${dup.key}' is given twice).`,
      );
    }
    value = toJs(doc, sourceName);
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

/** Profiles are a few KB; a cap keeps a 50 MB file (or anything worse than linear in a parser) out. */
const MAX_PROFILE_CHARS = 1024 * 1024;
/** Aliases a profile may expand: a few for shared phases are fine; an alias bomb expands billions. */
const MAX_ALIASES = 100;

/** The first key given twice in one map, in one pass with a set per map. */
function duplicateKey(doc: Document): { key: string; offset: number } | undefined {
  let found: { key: string; offset: number } | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          found = { key: String(key), offset: (pair.key as Node | null)?.range?.[0] ?? 0 };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** The document as plain data; an alias bomb is bad input, not a crash. */
function toJs(doc: Document, sourceName: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new ProfileError(
        `${sourceName}: the YAML expands its aliases (*name) far beyond what a profile needs (an "alias bomb"); write the repeated parts out, or use at most ${MAX_ALIASES} alias expansions.`,
      );
    }
    throw err;
  }
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
