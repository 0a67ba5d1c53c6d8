import fc from 'fast-check';
import { parseRangeHeader, resolveByteRange } from './byte-range';
import { StorageErrorCode } from './storage.error';

describe('resolveByteRange', () => {
  it('keeps ranges inside the object and clamps the end to the last byte', () => {
    expect(resolveByteRange({ start: 0, end: 0 }, 10)).toEqual({ start: 0, end: 0 });
    expect(resolveByteRange({ start: 4 }, 10)).toEqual({ start: 4, end: 9 });
    expect(resolveByteRange({ start: 8, end: 100 }, 10)).toEqual({ start: 8, end: 9 });
  });

  it('refuses a start at or past the end, and any range of an empty object', () => {
    expect(() => resolveByteRange({ start: 10 }, 10)).toThrow(
      expect.objectContaining({ code: StorageErrorCode.RANGE_NOT_SATISFIABLE }),
    );
    expect(() => resolveByteRange({ start: 0 }, 0)).toThrow(
      expect.objectContaining({ code: StorageErrorCode.RANGE_NOT_SATISFIABLE }),
    );
  });
});

describe('parseRangeHeader', () => {
  it.each([
    [undefined, { kind: 'whole' }],
    ['bytes=0-0', { kind: 'range', range: { start: 0, end: 0 } }],
    ['bytes=2-5', { kind: 'range', range: { start: 2, end: 5 } }],
    ['bytes=95-', { kind: 'range', range: { start: 95, end: 99 } }],
    ['bytes=-10', { kind: 'range', range: { start: 90, end: 99 } }],
    ['bytes=-500', { kind: 'range', range: { start: 0, end: 99 } }],
    ['bytes=90-500', { kind: 'range', range: { start: 90, end: 99 } }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'whole' }],
    ['bytes=0-1,4-5', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
  ])('reads %j of a 100-byte object', (header, expected) => {
    expect(parseRangeHeader(header, 100)).toEqual(expected);
  });

  it('always answers with a non-empty range inside the object', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.option(fc.nat({ max: 20_000 }), { nil: undefined }),
        fc.option(fc.nat({ max: 20_000 }), { nil: undefined }),
        (size, first, last) => {
          const parsed = parseRangeHeader(`bytes=${first ?? ''}-${last ?? ''}`, size);
          if (parsed.kind !== 'range') return;
          expect(parsed.range.start).toBeGreaterThanOrEqual(0);
          expect(parsed.range.end).toBeLessThan(size);
          expect(parsed.range.start).toBeLessThanOrEqual(parsed.range.end);
        },
      ),
    );
  });
});
