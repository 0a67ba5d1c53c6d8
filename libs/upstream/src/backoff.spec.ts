import fc from 'fast-check';
import { DEFAULT_BACKOFF, fullJitterDelay } from './backoff';

describe('full-jitter exponential backoff', () => {
  const settings = { baseDelayMs: 100, maxDelayMs: 5_000 };

  it('doubles the ceiling per retry until the maximum', () => {
    // random just below 1 shows the ceiling of each retry's window
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((retry) => fullJitterDelay(retry, 0.999_999, settings));
    expect(ceilings).toEqual([99, 199, 399, 799, 1599, 3199, 4999, 4999]);
  });

  it('is zero at random 0 and half the ceiling at 0.5', () => {
    expect(fullJitterDelay(3, 0, settings)).toBe(0);
    expect(fullJitterDelay(3, 0.5, settings)).toBe(200);
  });

  it('stays within [0, min(max, base * 2^(retry-1))) for any retry and random', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, random) => {
          const delay = fullJitterDelay(retry, random, DEFAULT_BACKOFF);
          const ceiling = Math.min(
            DEFAULT_BACKOFF.maxDelayMs,
            DEFAULT_BACKOFF.baseDelayMs * 2 ** (retry - 1),
          );
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });
});
