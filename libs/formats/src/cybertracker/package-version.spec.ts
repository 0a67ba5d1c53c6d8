import fc from 'fast-check';
import { FormatErrorCode } from '../format-error';
import {
  comparePackageVersions,
  datePackageVersion,
  isLexicallyOrderedVersion,
  normalisePackageVersion,
} from './package-version';

function compareTuples(left: number[], right: number[]): number {
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    if (left[index] !== right[index]) return left[index] < right[index] ? -1 : 1;
  }
  return Math.sign(left.length - right.length);
}

describe('package versions', () => {
  it('formats dates so string order is time order', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (left, right) => {
          const leftDay = Math.floor(left.getTime() / 86_400_000);
          const rightDay = Math.floor(right.getTime() / 86_400_000);
          expect(comparePackageVersions(datePackageVersion(left), datePackageVersion(right))).toBe(
            Math.sign(leftDay - rightDay),
          );
          expect(isLexicallyOrderedVersion(datePackageVersion(left))).toBe(true);
        },
      ),
    );
    expect(datePackageVersion(new Date('2026-04-21T23:59:59Z'), 12)).toBe('2026.04.21.012');
    expect(() => datePackageVersion(new Date(), 1000)).toThrow(
      expect.objectContaining({ code: FormatErrorCode.INVALID_VERSION }),
    );
  });

  it('pads numeric versions so string order is numeric order', () => {
    const version = fc.array(fc.integer({ min: 0, max: 999_999 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(version, version, (left, right) => {
        const leftText = normalisePackageVersion(left.join('.'));
        const rightText = normalisePackageVersion(right.join('.'));
        expect(isLexicallyOrderedVersion(leftText)).toBe(true);
        expect(comparePackageVersions(leftText, rightText)).toBe(compareTuples(left, right));
      }),
    );
    expect(normalisePackageVersion('1.12.3')).toBe('000001.000012.000003');
    // Unpadded, '1.12.3' < '1.9.0' as strings although 1.12.3 is newer: that is what the padding fixes.
    expect('1.12.3' < '1.9.0').toBe(true);
  });

  it('keeps accepted forms and rejects what cannot be ordered', () => {
    expect(normalisePackageVersion('2026.04.21')).toBe('2026.04.21');
    expect(normalisePackageVersion('2026.04.21.003')).toBe('2026.04.21.003');
    for (const bad of ['1.0.0-beta', 'v1.2', '2026.02.30', '', '1.2.3.4.5', '1234567']) {
      expect(() => normalisePackageVersion(bad)).toThrow(
        expect.objectContaining({ code: FormatErrorCode.INVALID_VERSION }),
      );
    }
    expect(isLexicallyOrderedVersion('1.2.10')).toBe(false);
    expect(isLexicallyOrderedVersion('2026.04.21.000')).toBe(false);
  });
});
