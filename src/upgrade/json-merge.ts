// A 3-way merge of JSON documents key by key (package.json above all): a
// dependency the project added and one the new generator bumped are two keys,
// not two edits of neighbouring lines. Keys keep the project's order; a key the
// generator added goes after the key it follows in the generator's file.
import { isDeepStrictEqual } from 'node:util';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface JsonMerge {
  readonly value: Json;
  /** dot paths of the keys both sides changed differently: a merge with any is not made */
  readonly conflicts: readonly string[];
}

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Each side parsed; undefined when one is not JSON (the caller merges its lines instead). */
export function parseSides(ours: string, base: string, theirs: string): [Json, Json, Json] | undefined {
  try {
    return [JSON.parse(ours) as Json, JSON.parse(base) as Json, JSON.parse(theirs) as Json];
  } catch {
    return undefined;
  }
}

export function mergeJson(ours: Json, base: Json | undefined, theirs: Json, at = ''): JsonMerge {
  if (isDeepStrictEqual(ours, base)) return { value: theirs, conflicts: [] };
  if (isDeepStrictEqual(theirs, base) || isDeepStrictEqual(ours, theirs)) return { value: ours, conflicts: [] };
  if (!isObject(ours) || !isObject(theirs)) return { value: ours, conflicts: [at || '(the whole document)'] };
  const baseObject = isObject(base) ? base : {};

  const conflicts: string[] = [];
  const merged = new Map<string, Json>();
  for (const key of Object.keys(ours)) {
    const result = mergeKey(key, ours, baseObject, theirs, at);
    conflicts.push(...result.conflicts);
    if (result.value !== undefined) merged.set(key, result.value);
  }
  // keys only the generator has: new ones (not ones the project removed), placed after their predecessor
  const theirKeys = Object.keys(theirs);
  for (const [index, key] of theirKeys.entries()) {
    if (key in ours) continue;
    if (key in baseObject) {
      // the project removed it: removed, unless the generator changed it meanwhile
      if (!isDeepStrictEqual(baseObject[key], theirs[key])) conflicts.push(at ? `${at}.${key}` : key);
      continue;
    }
    const after = theirKeys
      .slice(0, index)
      .reverse()
      .find((previous) => merged.has(previous));
    const entries = [...merged.entries()];
    const position = after === undefined ? 0 : entries.findIndex(([name]) => name === after) + 1;
    entries.splice(position, 0, [key, theirs[key]!]);
    merged.clear();
    for (const [name, value] of entries) merged.set(name, value);
  }
  return { value: Object.fromEntries(merged), conflicts };
}

function mergeKey(
  key: string,
  ours: JsonObject,
  base: JsonObject,
  theirs: JsonObject,
  at: string,
): { value: Json | undefined; conflicts: readonly string[] } {
  const path = at ? `${at}.${key}` : key;
  const [o, b, t] = [ours[key], key in base ? base[key] : undefined, key in theirs ? theirs[key] : undefined];
  // the generator removed a key the project left alone: removed
  if (t === undefined && isDeepStrictEqual(o, b)) return { value: undefined, conflicts: [] };
  if (t === undefined) return b === undefined ? { value: o, conflicts: [] } : { value: o, conflicts: [path] };
  return mergeJson(o!, b, t, path);
}

/** JSON as the project writes it: two spaces, a final newline (Prettier then lays out what it would). */
export const jsonText = (value: Json): string => `${JSON.stringify(value, null, 2)}\n`;
