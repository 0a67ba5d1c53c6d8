import { canonicalJson } from './json-value';
import { FieldRegister, FieldWrite } from './feature-state';
import { ClockOrder, canonicalClockJson, compareClocks, compareStrings, dominates } from './vector-clock';

/** Canonical text of what a write says, so "identical values" is one string comparison. */
export function valueKeyOf(write: FieldWrite<unknown>): string {
  if (write.removed) return 'removed';
  const value = write.value;
  if (typeof value === 'number') return Number.isFinite(value) ? `value:${String(value)}` : 'value:null';
  if (typeof value !== 'object' || value === null) return `value:${canonicalJson(value)}`;
  let key = valueKeys.get(value);
  if (key === undefined) {
    key = `value:${canonicalJson(value)}`;
    valueKeys.set(value, key);
  }
  return key;
}

/** Records the canonical text of an object value that was just built from that text (a clone). */
export function rememberValueText(value: object, canonicalText: string): void {
  valueKeys.set(value, `value:${canonicalText}`);
}

// Values and clocks are never mutated once in a state (every function here builds new objects
// around them), so the canonical text of an object value is cached by identity: geometries are
// compared on every merge.
const valueKeys = new WeakMap<object, string>();

function clockKeyOf(write: FieldWrite<unknown>): string {
  return canonicalClockJson(write.clock);
}

/**
 * The total order on writes that every replica uses: HLC, then device id (the LAST_WRITER_WINS order),
 * then clock and value, which only matter for a malformed device that reused a clock.
 */
export function compareWrites(a: FieldWrite<unknown>, b: FieldWrite<unknown>): number {
  if (a === b) return 0;
  return (
    compareStrings(a.hlc, b.hlc) ||
    compareStrings(a.deviceId, b.deviceId) ||
    compareStrings(clockKeyOf(a), clockKeyOf(b)) ||
    compareStrings(valueKeyOf(a), valueKeyOf(b))
  );
}

/** The writes a register holds: its candidates, or the single write in force. */
export function writesOf<V>(register: FieldRegister<V> | undefined): FieldWrite<V>[] {
  if (register === undefined) return [];
  if (register.candidates !== undefined) return register.candidates;
  // Without candidates the register is exactly one write; it is used as is so identity caches hit.
  return [register];
}

export function toWrite<V>(register: FieldWrite<V>): FieldWrite<V> {
  const write: FieldWrite<V> = {
    value: register.value,
    clock: register.clock,
    hlc: register.hlc,
    deviceId: register.deviceId,
  };
  if (register.removed) write.removed = true;
  return write;
}

/**
 * The join of multi-value registers: the union of the writes, one write per clock (the greatest in
 * `compareWrites`), minus every write whose clock another write dominates, sorted. Union, max and
 * "drop the dominated" are each commutative, associative and idempotent, and dropping never removes
 * a write that a later union would need, so the result is a join (see README.md). Each group is a
 * register's candidates, already an antichain, so only writes of different groups are compared.
 */
export function joinWrites<V>(...groups: ReadonlyArray<readonly FieldWrite<V>[]>): FieldWrite<V>[] {
  const filled = groups.filter((group) => group.length > 0);
  // One side only (a field the other state never wrote): a single write, or a list this function
  // built, is already its own join. Returned as is, so the identity caches keep working.
  if (filled.length === 1 && (filled[0].length === 1 || joined.has(filled[0]))) {
    return filled[0] as FieldWrite<V>[];
  }
  if (filled.length === 0) return [];
  // Two single writes (the usual join of a register with a change's write): compared directly,
  // without clock texts, a map or a sort. Same result as the general path below.
  if (filled.length === 2 && filled[0].length === 1 && filled[1].length === 1) {
    return joinTwoWrites(filled[0][0], filled[1][0]);
  }
  const byClock = new Map<string, { write: FieldWrite<V>; group: number }>();
  groups.forEach((group, groupIndex) => {
    for (const write of group) {
      const key = clockKeyOf(write);
      const existing = byClock.get(key);
      if (existing === undefined || compareWrites(write, existing.write) > 0)
        byClock.set(key, { write, group: groupIndex });
    }
  });
  const entries = [...byClock.values()];
  const maximal =
    entries.length === 1
      ? entries
      : entries.filter(
          (entry) =>
            !entries.some(
              (other) => other.group !== entry.group && dominates(other.write.clock, entry.write.clock),
            ),
        );
  const result = maximal.map((entry) => entry.write).sort(compareWrites);
  joined.add(result);
  return result;
}

function joinTwoWrites<V>(left: FieldWrite<V>, right: FieldWrite<V>): FieldWrite<V>[] {
  const order = compareClocks(left.clock, right.clock);
  // Equal clocks are one write slot: the greater write in the total order keeps it.
  if (order === ClockOrder.EQUAL) return [compareWrites(left, right) >= 0 ? left : right];
  if (order === ClockOrder.AFTER) return [left];
  if (order === ClockOrder.BEFORE) return [right];
  const result = compareWrites(left, right) <= 0 ? [left, right] : [right, left];
  joined.add(result);
  return result;
}

// Lists of writes built by joinWrites (never mutated afterwards: registers share them as candidates).
const joined = new WeakSet<readonly FieldWrite<unknown>[]>();

/** A register whose value in force is `winner`, keeping the other concurrent writes as candidates. */
export function buildRegister<V>(writes: FieldWrite<V>[], winner: FieldWrite<V>): FieldRegister<V> {
  // A lone write that is already a plain register (no candidates) is reused: an untouched field keeps
  // the same object from state to state, so identity caches keep working and nothing is allocated.
  if (writes.length === 1 && writes[0] === winner && !('candidates' in winner)) return winner;
  const register: FieldRegister<V> = toWrite(winner);
  if (writes.length > 1) register.candidates = writes;
  return register;
}

export function distinctValueCount(writes: readonly FieldWrite<unknown>[]): number {
  if (writes.length < 2) return writes.length;
  return new Set(writes.map(valueKeyOf)).size;
}

export function sameWrite(a: FieldWrite<unknown>, b: FieldWrite<unknown>): boolean {
  return compareWrites(a, b) === 0;
}
