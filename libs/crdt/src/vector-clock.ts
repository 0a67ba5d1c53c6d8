import { CrdtErrorCode, CrdtValidationError, ValidationResult, toValidationResult } from './crdt-error';
import { assertDeviceId } from './device-id';

/**
 * device id -> number of changes that device made to one feature (counter = how many, so the next
 * change of that device is counter + 1). A missing entry means 0. Plain JSON, so it is stored and sent
 * as is; `normalizeClock` gives the canonical form (zero entries dropped, keys sorted).
 */
export type VectorClock = Readonly<Record<string, number>>;

export enum ClockOrder {
  EQUAL = 'EQUAL',
  /** The first clock happened before the second: the second has seen everything the first has. */
  BEFORE = 'BEFORE',
  AFTER = 'AFTER',
  /** Neither has seen the other: the edits were made independently. */
  CONCURRENT = 'CONCURRENT',
}

/** Default bound on entries in one clock: far above a field team, far below a memory problem. */
export const MAX_CLOCK_ENTRIES = 1_000;

export const EMPTY_CLOCK: VectorClock = Object.freeze({});

/** Reads one counter without touching inherited members (`constructor`, `toString`). */
export function counterOf(clock: VectorClock, deviceId: string): number {
  const counter = clock[deviceId];
  return typeof counter === 'number' && Object.hasOwn(clock, deviceId) ? counter : 0;
}

export function compareClocks(a: VectorClock, b: VectorClock): ClockOrder {
  let aAhead = false;
  let bAhead = false;
  // Hot path of every merge: own keys are read directly, only the other side needs the own-key check.
  for (const [deviceId, left] of Object.entries(a)) {
    const right = counterOf(b, deviceId);
    if (left > right) aAhead = true;
    else if (right > left) bAhead = true;
  }
  for (const [deviceId, right] of Object.entries(b)) {
    if (right > 0 && !Object.hasOwn(a, deviceId)) bAhead = true;
  }
  if (aAhead && bAhead) return ClockOrder.CONCURRENT;
  if (aAhead) return ClockOrder.AFTER;
  if (bAhead) return ClockOrder.BEFORE;
  return ClockOrder.EQUAL;
}

/** `a` has seen everything `b` has (a >= b pointwise); a clock covers itself. */
export function covers(a: VectorClock, b: VectorClock): boolean {
  for (const [deviceId, counter] of Object.entries(b)) {
    if (counter > counterOf(a, deviceId)) return false;
  }
  return true;
}

/** `a` has seen everything `b` has and more (strictly after). */
export function dominates(a: VectorClock, b: VectorClock): boolean {
  return compareClocks(a, b) === ClockOrder.AFTER;
}

export function isConcurrent(a: VectorClock, b: VectorClock): boolean {
  return compareClocks(a, b) === ClockOrder.CONCURRENT;
}

/** Pointwise maximum: the clock of a replica that has seen everything each argument has seen. */
export function mergeClocks(...clocks: readonly VectorClock[]): VectorClock {
  // Common cases without building a new clock: one side has seen everything (an edit made after the
  // device synced). Returning the same canonical object also keeps the identity caches warm.
  if (clocks.length === 2) {
    const [left, right] = clocks;
    const rightCanonical = isCanonicalClock(right);
    if (rightCanonical && covers(right, left)) return right;
    const leftCanonical = isCanonicalClock(left);
    if (leftCanonical && covers(left, right)) return left;
    const merged = leftCanonical && rightCanonical ? mergeCanonicalPair(left, right) : undefined;
    if (merged !== undefined) return merged;
  }
  const merged = new Map<string, number>();
  for (const clock of clocks) {
    for (const [deviceId, counter] of Object.entries(clock)) {
      if (counter > (merged.get(deviceId) ?? 0)) merged.set(deviceId, counter);
    }
  }
  return fromEntries(merged);
}

/**
 * Pointwise maximum of two canonical clocks by walking their sorted keys side by side: no map, no
 * sort, one new object (concurrent edits take this path on every merge).
 */
function mergeCanonicalPair(left: VectorClock, right: VectorClock): VectorClock | undefined {
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  const merged: Record<string, number> = {};
  let leftIndex = 0;
  let rightIndex = 0;
  while (leftIndex < leftKeys.length || rightIndex < rightKeys.length) {
    const leftKey = leftKeys[leftIndex];
    const rightKey = rightKeys[rightIndex];
    let key: string;
    let counter: number;
    if (rightKey === undefined || (leftKey !== undefined && leftKey < rightKey)) {
      key = leftKey;
      counter = left[key];
      leftIndex += 1;
    } else if (leftKey === undefined || rightKey < leftKey) {
      key = rightKey;
      counter = right[key];
      rightIndex += 1;
    } else {
      key = leftKey;
      counter = Math.max(left[key], right[key]);
      leftIndex += 1;
      rightIndex += 1;
    }
    // An assignment to `__proto__` would set the prototype: such a clock takes the general path.
    if (key === '__proto__') return undefined;
    merged[key] = counter;
  }
  return merged;
}

/** The clock after `deviceId` makes one more change; strictly AFTER the input. */
export function incrementClock(clock: VectorClock, deviceId: string): VectorClock {
  assertDeviceId(deviceId);
  const next = new Map(Object.entries(clock));
  next.set(deviceId, counterOf(clock, deviceId) + 1);
  return fromEntries(next);
}

/** Canonical form: zero entries dropped, keys sorted, so equal clocks have equal JSON. */
export function normalizeClock(clock: VectorClock): VectorClock {
  return fromEntries(new Map(Object.entries(clock)));
}

/** Canonical JSON (sorted keys, no zero entries) for hashing, storage and equality. */
export function canonicalClockJson(clock: VectorClock): string {
  let text = canonicalTexts.get(clock);
  if (text === undefined) {
    text = JSON.stringify(isCanonicalClock(clock) ? clock : normalizeClock(clock));
    canonicalTexts.set(clock, text);
  }
  return text;
}

// Clocks are treated as immutable values (every function here returns a new object), so the
// canonical text is cached by identity: merging compares the same clocks many times.
const canonicalTexts = new WeakMap<VectorClock, string>();

export interface ClockLimits {
  /** Most entries accepted in one clock. */
  maxEntries: number;
}

/**
 * Checks untrusted input (parsed JSON from a device) and returns the canonical clock, or throws a
 * `CrdtValidationError` naming the bad entry and the limit.
 */
export function assertVectorClock(
  value: unknown,
  field = 'clock',
  limits: ClockLimits = { maxEntries: MAX_CLOCK_ENTRIES },
): VectorClock {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_CLOCK,
      field,
      'an object of device id -> counter',
      value,
    );
  }
  const entries = Object.entries(value);
  if (entries.length > limits.maxEntries) {
    throw new CrdtValidationError(
      CrdtErrorCode.CLOCK_TOO_LARGE,
      field,
      `at most ${limits.maxEntries} entries`,
      `${entries.length} entries`,
    );
  }
  const checked: [string, number][] = [];
  for (const [deviceId, counter] of entries) {
    assertDeviceId(deviceId, `${field} key ${JSON.stringify(deviceId)}`);
    if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) {
      throw new CrdtValidationError(
        CrdtErrorCode.INVALID_COUNTER,
        `${field}[${JSON.stringify(deviceId)}]`,
        `an integer in 0..${Number.MAX_SAFE_INTEGER}`,
        counter,
      );
    }
    checked.push([deviceId, counter]);
  }
  // Object keys are unique, so the pairs need no de-duplication.
  return fromPairs(checked);
}

export function validateVectorClock(
  value: unknown,
  field = 'clock',
  limits: ClockLimits = { maxEntries: MAX_CLOCK_ENTRIES },
): ValidationResult<VectorClock> {
  return toValidationResult(() => assertVectorClock(value, field, limits));
}

/**
 * True when the clock is already in canonical form: own keys in code-unit order, every counter a
 * positive number. Checked without building anything, which is the point: most clocks are.
 */
export function isCanonicalClock(clock: VectorClock): boolean {
  let previous: string | undefined;
  for (const key in clock) {
    if (!Object.hasOwn(clock, key)) return false;
    const counter = clock[key];
    if (typeof counter !== 'number' || !(counter > 0)) return false;
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
  }
  return true;
}

/** A copy of a clock in canonical form (a plain copy when it already is). */
export function copyClock(clock: VectorClock): VectorClock {
  return isCanonicalClock(clock) ? { ...clock } : normalizeClock(clock);
}

/** Builds the canonical record; `Object.fromEntries` defines own properties, so no key reaches a prototype. */
function fromEntries(entries: Map<string, number>): VectorClock {
  return fromPairs([...entries]);
}

/** The canonical record of [device id, counter] pairs; sorts only when they are not in order already. */
function fromPairs(pairs: [string, number][]): VectorClock {
  let ordered = true;
  for (let index = 0; index < pairs.length && ordered; index += 1) {
    ordered = pairs[index][1] > 0 && (index === 0 || pairs[index - 1][0] < pairs[index][0]);
  }
  if (ordered) return Object.fromEntries(pairs);
  const sorted = pairs
    .filter(([, counter]) => counter > 0)
    .sort(([left], [right]) => compareStrings(left, right));
  return Object.fromEntries(sorted);
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export function compareStrings(left: string, right: string): number {
  if (left < right) return -1;
  if (left > right) return 1;
  return 0;
}
