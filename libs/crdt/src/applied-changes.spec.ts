import fc from 'fast-check';
import { hasApplied, joinApplied, missingBefore } from './applied-changes';
import { AppliedChanges, Dot } from './feature-state';

const dot: fc.Arbitrary<Dot> = fc.record({
  deviceId: fc.constantFrom('tablet-a', 'tablet-b'),
  counter: fc.integer({ min: 1, max: 8 }),
});
const applied = (dots: Dot[]): AppliedChanges => joinApplied({ vector: {}, dots });

describe('applied changes', () => {
  it('is exactly the union of the dots, in one normal form whatever the order', () => {
    fc.assert(
      fc.property(fc.array(dot, { maxLength: 12 }), fc.array(dot, { maxLength: 12 }), (left, right) => {
        const joined = joinApplied(applied(left), applied(right));
        expect(joinApplied(applied(right), applied(left))).toEqual(joined);
        expect(applied([...right, ...left].reverse())).toEqual(joined);
        for (const deviceId of ['tablet-a', 'tablet-b']) {
          for (let counter = 1; counter <= 8; counter += 1) {
            const expected = [...left, ...right].some(
              (item) => item.deviceId === deviceId && item.counter === counter,
            );
            expect(hasApplied(joined, { deviceId, counter })).toBe(expected);
          }
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('compacts contiguous dots into the vector', () => {
    expect(
      applied([
        { deviceId: 'a', counter: 2 },
        { deviceId: 'a', counter: 1 },
        { deviceId: 'a', counter: 4 },
      ]),
    ).toEqual({ vector: { a: 2 }, dots: [{ deviceId: 'a', counter: 4 }] });
  });

  it('lists the changes a clock saw that are not applied yet', () => {
    const state = applied([
      { deviceId: 'a', counter: 1 },
      { deviceId: 'a', counter: 3 },
      { deviceId: 'b', counter: 1 },
    ]);
    expect(missingBefore(state, { a: 5, b: 1, c: 2 }, { deviceId: 'c', counter: 2 })).toEqual([
      { deviceId: 'a', fromCounter: 2, toCounter: 2 },
      { deviceId: 'a', fromCounter: 4, toCounter: 5 },
      { deviceId: 'c', fromCounter: 1, toCounter: 1 },
    ]);
    expect(missingBefore(state, { a: 1, b: 2 }, { deviceId: 'b', counter: 2 })).toEqual([]);
    // Huge counters from a faulty device cost nothing to describe.
    expect(missingBefore(state, { d: 2 ** 40 })).toEqual([
      { deviceId: 'd', fromCounter: 1, toCounter: 2 ** 40 },
    ]);
  });
});
