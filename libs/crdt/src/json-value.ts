import { compareStrings } from './vector-clock';

/** A value that survives JSON.stringify/JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON with object keys sorted at every level, so two equal values give the same string whatever
 * order their keys arrived in. This is what "identical values" means for concurrent edits, and what
 * the merger hashes or stores.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([left], [right]) => compareStrings(left, right))
      .map(([key, member]) => [key, sortKeys(member)] as const);
    return Object.fromEntries(entries);
  }
  return value;
}

/** Deep copy through canonical JSON; used so stored state never aliases the caller's objects. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(sortKeys(value))) as T;
}
