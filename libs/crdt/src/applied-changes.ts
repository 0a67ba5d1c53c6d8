import { AppliedChanges, Dot } from './feature-state';
import { VectorClock, compareStrings, counterOf, mergeClocks } from './vector-clock';

/**
 * The set of applied changes, as a version vector of contiguous counters (1..n per device) plus the
 * dots that arrived ahead of a gap. A change is a duplicate when its own dot is in this set. Its whole
 * clock is not the test: a clock also names changes of other devices that this server may not have
 * received yet, and treating those as seen would drop them when they arrive.
 */
export function joinApplied(...sets: readonly AppliedChanges[]): AppliedChanges {
  // No change ahead of a gap on either side (the usual case): the union is the pointwise maximum.
  if (sets.every((set) => set.dots.length === 0)) {
    return { vector: mergeClocks(...sets.map((set) => set.vector)), dots: [] };
  }
  const vector = new Map(Object.entries(mergeClocks(...sets.map((set) => set.vector))));
  const pending = new Map<string, Set<number>>();
  for (const set of sets) {
    for (const dot of set.dots) {
      const counters = pending.get(dot.deviceId) ?? new Set<number>();
      counters.add(dot.counter);
      pending.set(dot.deviceId, counters);
    }
  }
  const dots: Dot[] = [];
  for (const [deviceId, counters] of pending) {
    let contiguous = vector.get(deviceId) ?? 0;
    while (counters.has(contiguous + 1)) contiguous += 1;
    if (contiguous > 0) vector.set(deviceId, contiguous);
    for (const counter of counters) if (counter > contiguous) dots.push({ deviceId, counter });
  }
  dots.sort((a, b) => compareStrings(a.deviceId, b.deviceId) || a.counter - b.counter);
  return { vector: mergeClocks(Object.fromEntries(vector)), dots };
}

export function appliedFromDot(dot: Dot): AppliedChanges {
  // A device's first change of the feature is contiguous from 1; any later one waits as a dot. The
  // computed key defines an own property (device ids cannot be `__proto__` anyway).
  if (dot.counter === 1) return { vector: { [dot.deviceId]: 1 }, dots: [] };
  if (dot.counter < 1) return { vector: {}, dots: [] };
  return { vector: {}, dots: [{ deviceId: dot.deviceId, counter: dot.counter }] };
}

export function hasApplied(applied: AppliedChanges, dot: Dot): boolean {
  if (dot.counter <= counterOf(applied.vector, dot.deviceId)) return true;
  return applied.dots.some((pending) => pending.deviceId === dot.deviceId && pending.counter === dot.counter);
}

/** A counter range of one device's changes not applied yet. */
export interface MissingChanges {
  deviceId: string;
  /** first missing counter, inclusive */
  fromCounter: number;
  /** last missing counter, inclusive */
  toCounter: number;
}

/**
 * The changes a clock says happened before it but which are not applied here. Device counters for a
 * feature are contiguous, so `clock[d] = n` means changes 1..n of `d` exist. The merger may hold a
 * change until these arrive, or pull them; merging without them still converges once they arrive.
 */
export function missingBefore(applied: AppliedChanges, clock: VectorClock, ownDot?: Dot): MissingChanges[] {
  const missing: MissingChanges[] = [];
  for (const [deviceId, counter] of Object.entries(clock)) {
    const last = ownDot?.deviceId === deviceId ? counter - 1 : counter;
    // Walk the out-of-order dots only: counters can be large, ranges stay few.
    const present = applied.dots
      .filter((dot) => dot.deviceId === deviceId && dot.counter <= last)
      .map((dot) => dot.counter)
      .sort((a, b) => a - b);
    let next = counterOf(applied.vector, deviceId) + 1;
    for (const presentCounter of present) {
      if (presentCounter > next) missing.push({ deviceId, fromCounter: next, toCounter: presentCounter - 1 });
      next = Math.max(next, presentCounter + 1);
    }
    if (next <= last) missing.push({ deviceId, fromCounter: next, toCounter: last });
  }
  return missing.sort((a, b) => compareStrings(a.deviceId, b.deviceId) || a.fromCounter - b.fromCounter);
}
