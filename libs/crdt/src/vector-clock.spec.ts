import fc from 'fast-check';
import { CrdtErrorCode, CrdtValidationError } from './crdt-error';
import {
  ClockOrder,
  VectorClock,
  assertVectorClock,
  canonicalClockJson,
  compareClocks,
  covers,
  dominates,
  incrementClock,
  mergeClocks,
  normalizeClock,
  validateVectorClock,
} from './vector-clock';

const NUM_RUNS = 1_000;
// Few devices and small counters, so equal, ordered and concurrent pairs all occur often.
const deviceId = fc.constantFrom('tablet-a', 'tablet-b', 'phone-c', 'server:office', 'constructor');
const clock: fc.Arbitrary<VectorClock> = fc.dictionary(deviceId, fc.nat({ max: 4 }), { maxKeys: 5 });
const same = (a: VectorClock, b: VectorClock): boolean => canonicalClockJson(a) === canonicalClockJson(b);

describe('vector clocks (properties)', () => {
  it('compare is reflexive: every clock is EQUAL to itself and to its normal form', () => {
    fc.assert(
      fc.property(clock, (a) => {
        expect(compareClocks(a, a)).toBe(ClockOrder.EQUAL);
        expect(compareClocks(a, normalizeClock(a))).toBe(ClockOrder.EQUAL);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('compare is antisymmetric: BEFORE one way is AFTER the other, EQUAL only for equal clocks', () => {
    fc.assert(
      fc.property(clock, clock, (a, b) => {
        const forwards = compareClocks(a, b);
        const backwards = compareClocks(b, a);
        const mirrored: Record<ClockOrder, ClockOrder> = {
          [ClockOrder.EQUAL]: ClockOrder.EQUAL,
          [ClockOrder.BEFORE]: ClockOrder.AFTER,
          [ClockOrder.AFTER]: ClockOrder.BEFORE,
          [ClockOrder.CONCURRENT]: ClockOrder.CONCURRENT,
        };
        expect(backwards).toBe(mirrored[forwards]);
        expect(forwards === ClockOrder.EQUAL).toBe(same(a, b));
        expect(covers(a, b) && covers(b, a)).toBe(same(a, b));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('compare is transitive: a <= b and b <= c give a <= c', () => {
    // Build b and c above a so the premise holds in every run instead of by luck.
    fc.assert(
      fc.property(clock, clock, clock, (a, extraB, extraC) => {
        const b = mergeClocks(a, extraB);
        const c = mergeClocks(b, extraC);
        expect(covers(b, a)).toBe(true);
        expect(covers(c, b)).toBe(true);
        expect(covers(c, a)).toBe(true);
        if (dominates(b, a) || dominates(c, b)) expect(compareClocks(a, c)).toBe(ClockOrder.BEFORE);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('compare on arbitrary triples never contradicts transitivity', () => {
    fc.assert(
      fc.property(clock, clock, clock, (a, b, c) => {
        if (covers(b, a) && covers(c, b)) expect(covers(c, a)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('merge is commutative, associative and idempotent, and is the least upper bound', () => {
    fc.assert(
      fc.property(clock, clock, clock, (a, b, c) => {
        expect(same(mergeClocks(a, b), mergeClocks(b, a))).toBe(true);
        expect(same(mergeClocks(mergeClocks(a, b), c), mergeClocks(a, mergeClocks(b, c)))).toBe(true);
        expect(same(mergeClocks(a, a), a)).toBe(true);
        const joined = mergeClocks(a, b);
        expect(covers(joined, a) && covers(joined, b)).toBe(true);
        if (covers(c, a) && covers(c, b)) expect(covers(c, joined)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('increment moves strictly AFTER, by exactly one change of that device', () => {
    fc.assert(
      fc.property(clock, deviceId, (a, device) => {
        const next = incrementClock(a, device);
        expect(compareClocks(next, a)).toBe(ClockOrder.AFTER);
        expect(dominates(next, a)).toBe(true);
        expect((next[device] ?? 0) - (Object.hasOwn(a, device) ? (a[device] ?? 0) : 0)).toBe(1);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('canonical JSON is equal exactly for equal clocks, whatever the key order or zero entries', () => {
    fc.assert(
      fc.property(clock, (a) => {
        const reordered = Object.fromEntries(
          Object.entries(a)
            .reverse()
            .concat([['zero-entry', 0]]),
        );
        expect(canonicalClockJson(reordered)).toBe(canonicalClockJson(a));
        expect(Object.keys(JSON.parse(canonicalClockJson(a)) as object)).toEqual(
          Object.keys(normalizeClock(a)).sort(),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('vector clocks (examples)', () => {
  it('orders the four cases', () => {
    expect(compareClocks({ a: 1 }, { a: 1, b: 0 })).toBe(ClockOrder.EQUAL);
    expect(compareClocks({ a: 1 }, { a: 2 })).toBe(ClockOrder.BEFORE);
    expect(compareClocks({ a: 2, b: 1 }, { a: 2 })).toBe(ClockOrder.AFTER);
    expect(compareClocks({ a: 2 }, { b: 1 })).toBe(ClockOrder.CONCURRENT);
  });

  it('does not read inherited members as counters', () => {
    expect(compareClocks({}, { constructor: 1 })).toBe(ClockOrder.BEFORE);
    expect(incrementClock({}, 'constructor')).toEqual({ constructor: 1 });
  });

  it('validates counters, device ids and size, naming the field and the limit', () => {
    expect(assertVectorClock({ b: 2, a: 1, c: 0 })).toEqual({ a: 1, b: 2 });
    const cases: Array<[unknown, CrdtErrorCode, RegExp]> = [
      [[1, 2], CrdtErrorCode.INVALID_CLOCK, /clock/],
      [{ a: -1 }, CrdtErrorCode.INVALID_COUNTER, /clock\["a"\]/],
      [{ a: 1.5 }, CrdtErrorCode.INVALID_COUNTER, /integer/],
      [{ a: '1' }, CrdtErrorCode.INVALID_COUNTER, /integer/],
      [{ '': 1 }, CrdtErrorCode.INVALID_DEVICE_ID, /clock key/],
      [JSON.parse('{"__proto__": 1}'), CrdtErrorCode.INVALID_DEVICE_ID, /__proto__/],
      [{ 'has space': 1 }, CrdtErrorCode.INVALID_DEVICE_ID, /has space/],
    ];
    for (const [input, code, message] of cases) {
      const result = validateVectorClock(input);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(code);
        expect(result.error.message).toMatch(message);
      }
    }
  });

  it('refuses a clock over the entry limit with an error naming the limit', () => {
    const large = Object.fromEntries(Array.from({ length: 1_001 }, (_, index) => [`device-${index}`, 1]));
    expect(() => assertVectorClock(large)).toThrow(CrdtValidationError);
    expect(() => assertVectorClock(large)).toThrow(/at most 1000 entries/);
    expect(assertVectorClock({ a: 1, b: 1 }, 'baseClock', { maxEntries: 2 })).toEqual({ a: 1, b: 1 });
    expect(() => assertVectorClock({ a: 1, b: 1, c: 1 }, 'baseClock', { maxEntries: 2 })).toThrow(
      /baseClock.*at most 2 entries/,
    );
  });
});
