import { compareStrings } from './vector-clock';

/** A value that survives JSON.stringify/JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON with object keys sorted at every level, so two equal values give the same string whatever
 * order their keys arrived in. This is what "identical values" means for concurrent edits, and what
 * the merger hashes or stores. Members whose value is undefined are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  // Written out by type rather than through JSON.stringify of every node: the gateway hashes each
  // pushed batch and the merger stores every write in this form, so it runs for every change.
  switch (typeof value) {
    case 'string':
      return quoted(value);
    case 'number':
      // JSON has no NaN or Infinity; String() gives JSON's digits for every finite number.
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default:
      // undefined, functions and symbols are null here (JSON.stringify gives undefined); a bigint throws.
      return JSON.stringify(value) ?? 'null';
  }
}

function canonicalArray(items: readonly unknown[]): string {
  let text = '[';
  for (let index = 0; index < items.length; index += 1) {
    if (index > 0) text += ',';
    text += canonicalJson(items[index]);
  }
  return `${text}]`;
}

function canonicalObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object);
  // Keys usually arrive sorted already (devices and the merger write canonical JSON): sort only if not.
  if (!isSorted(keys)) keys.sort(compareStrings);
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    text += first ? quoted(key) : `,${quoted(key)}`;
    text += `:${canonicalJson(member)}`;
    first = false;
  }
  return `${text}}`;
}

// Most keys and strings (ids, clocks, property names) need no escaping: quoting them is cheaper than
// JSON.stringify's general path, and gives the same text.
function quoted(text: string): string {
  return needsEscape(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Whether JSON escapes a character of text: a quote, a backslash, a control character or a surrogate. */
function needsEscape(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index += 1) {
    if (keys[index - 1] > keys[index]) return false;
  }
  return true;
}

/** Deep copy through canonical JSON; used so stored state never aliases the caller's objects. */
export function cloneJson<T>(value: T): T {
  // Primitives are values already; only objects and arrays can be aliased.
  if (value === null || typeof value !== 'object') return value;
  return JSON.parse(canonicalJson(value)) as T;
}
