import { CrdtErrorCode, CrdtValidationError, ValidationResult, toValidationResult } from './crdt-error';
import { JsonValue, canonicalJson } from './json-value';

export interface PropertyPatchLimits {
  /** characters in one property key */
  maxKeyLength: number;
  /** keys in `set` plus `unset` of one change */
  maxKeys: number;
  /** nesting of arrays and objects inside one value */
  maxValueDepth: number;
  /** bytes of the UTF-8 canonical JSON of all values set by one change */
  maxPatchBytes: number;
}

export const DEFAULT_PROPERTY_PATCH_LIMITS: PropertyPatchLimits = {
  maxKeyLength: 256,
  maxKeys: 1_000,
  maxValueDepth: 32,
  maxPatchBytes: 256 * 1024,
};

export interface PropertyPatch {
  set: Record<string, JsonValue>;
  unset: string[];
}

/** Control characters (U+0000..U+001F, U+007F) make keys unprintable in review screens and SQL tools. */
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function assertPropertyKey(
  key: unknown,
  field: string,
  limits = DEFAULT_PROPERTY_PATCH_LIMITS,
): string {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > limits.maxKeyLength ||
    hasControlCharacter(key) ||
    key === '__proto__'
  ) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_PROPERTY_KEY,
      field,
      `1..${limits.maxKeyLength} characters without control characters, not "__proto__"`,
      key,
    );
  }
  return key;
}

/** Checks that `value` is plain JSON (finite numbers, plain objects, arrays) within the depth limit. */
export function assertJsonValue(
  value: unknown,
  field: string,
  limits = DEFAULT_PROPERTY_PATCH_LIMITS,
): JsonValue {
  return checkValue(value, field, 0, limits);
}

function checkValue(value: unknown, field: string, depth: number, limits: PropertyPatchLimits): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new CrdtValidationError(CrdtErrorCode.INVALID_PROPERTY_VALUE, field, 'a finite number', value);
  }
  if (typeof value === 'object') {
    if (depth >= limits.maxValueDepth) {
      throw new CrdtValidationError(
        CrdtErrorCode.NESTING_TOO_DEEP,
        field,
        `at most ${limits.maxValueDepth} levels of arrays and objects`,
        value,
      );
    }
    if (Array.isArray(value))
      return value.map((item, index) => checkValue(item, `${field}[${index}]`, depth + 1, limits));
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) {
      const entries = Object.entries(value).map(([key, member]) => {
        const memberField = `${field}.${key}`;
        assertPropertyKey(key, memberField, limits);
        return [key, checkValue(member, memberField, depth + 1, limits)] as const;
      });
      return Object.fromEntries(entries);
    }
  }
  throw new CrdtValidationError(
    CrdtErrorCode.INVALID_PROPERTY_VALUE,
    field,
    'a JSON value (null, boolean, finite number, string, array or plain object)',
    typeof value,
  );
}

/** Validates the `set` / `unset` members of a change; returns clean copies. */
export function assertPropertyPatch(
  set: unknown,
  unset: unknown,
  limits: PropertyPatchLimits = DEFAULT_PROPERTY_PATCH_LIMITS,
): PropertyPatch {
  const setEntries: Array<[string, JsonValue]> = [];
  if (set !== undefined) {
    if (typeof set !== 'object' || set === null || Array.isArray(set)) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_CHANGE,
        'set',
        'an object of property key -> JSON value',
        set,
      );
    }
    for (const [key, value] of Object.entries(set)) {
      assertPropertyKey(key, `set key ${JSON.stringify(key)}`, limits);
      setEntries.push([key, assertJsonValue(value, `set.${key}`, limits)]);
    }
  }
  const checkedUnset: string[] = [];
  if (unset !== undefined) {
    if (!Array.isArray(unset)) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_CHANGE,
        'unset',
        'an array of property keys',
        unset,
      );
    }
    unset.forEach((key: unknown, index) => {
      checkedUnset.push(assertPropertyKey(key, `unset[${index}]`, limits));
    });
  }
  const keyCount = setEntries.length + checkedUnset.length;
  if (keyCount > limits.maxKeys) {
    throw new CrdtValidationError(
      CrdtErrorCode.PATCH_TOO_LARGE,
      'set+unset',
      `at most ${limits.maxKeys} keys`,
      `${keyCount} keys`,
    );
  }
  const setKeys = new Set(setEntries.map(([key]) => key));
  const uniqueUnset = new Set<string>();
  for (const key of checkedUnset) {
    if (setKeys.has(key) || uniqueUnset.has(key)) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_CHANGE,
        `unset ${JSON.stringify(key)}`,
        'a key neither set nor unset twice by the same change',
        key,
      );
    }
    uniqueUnset.add(key);
  }
  const checkedSet: Record<string, JsonValue> = Object.fromEntries(setEntries);
  const bytes = Buffer.byteLength(canonicalJson(checkedSet), 'utf8');
  if (bytes > limits.maxPatchBytes) {
    throw new CrdtValidationError(
      CrdtErrorCode.PATCH_TOO_LARGE,
      'set',
      `at most ${limits.maxPatchBytes} bytes of JSON`,
      `${bytes} bytes`,
    );
  }
  return { set: checkedSet, unset: [...uniqueUnset] };
}

export function validatePropertyPatch(
  set: unknown,
  unset: unknown,
  limits: PropertyPatchLimits = DEFAULT_PROPERTY_PATCH_LIMITS,
): ValidationResult<PropertyPatch> {
  return toValidationResult(() => assertPropertyPatch(set, unset, limits));
}
