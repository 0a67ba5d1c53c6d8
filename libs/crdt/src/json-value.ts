import { compareStrings } from './vector-clock';

/** A value that survives JSON.stringify/JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON with object keys sorted at every level, so two equal values give the same string whatever
 * order their keys arrived in. This is what "identical values" means for concurrent edits, and what
 * the merger hashes or stores. Members whose value is undefined are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const members: string[] = [];
  for (const key of Object.keys(value).sort(compareStrings)) {
    const member: unknown = (value as Record<string, unknown>)[key];
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

/** Deep copy through canonical JSON; used so stored state never aliases the caller's objects. */
export function cloneJson<T>(value: T): T {
  // Primitives are values already; only objects and arrays can be aliased.
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(canonicalJson(value)) as T;
}
