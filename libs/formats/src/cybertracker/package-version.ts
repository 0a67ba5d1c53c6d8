import { FormatError, FormatErrorCode } from '../format-error';

/**
 * The runtime compares package versions as plain strings, so a version is only accepted in a form whose
 * string order is its intended order:
 *
 * 1. Date versions `YYYY.MM.DD`, optionally `YYYY.MM.DD.NNN` for the NNNth build of that day (001-999):
 *    every field has a fixed width, so string order is chronological.
 * 2. Numeric versions with every dot-separated part exactly 6 digits (`000001.000012.000003`), which is
 *    what normalisePackageVersion makes of `1.12.3`; fixed widths again make string order numeric order.
 *
 * A release that moves from one form to the other sorts by the first digit (`0...` before `2...`), so a
 * package should keep one form for life; date versions are the default.
 */
const DATE_VERSION = /^(\d{4})\.(\d{2})\.(\d{2})(\.(\d{3}))?$/;
const PADDED_NUMERIC_VERSION = /^\d{6}(\.\d{6}){0,3}$/;
const LOOSE_NUMERIC_VERSION = /^\d{1,6}(\.\d{1,6}){0,3}$/;
const NUMERIC_PART_WIDTH = 6;
const MAX_BUILDS_PER_DAY = 999;

/** `2026.04.21` for a UTC date, or `2026.04.21.002` for the second build of that day. */
export function datePackageVersion(date: Date, buildOfDay?: number): string {
  const day = [
    String(date.getUTCFullYear()).padStart(4, '0'),
    String(date.getUTCMonth() + 1).padStart(2, '0'),
    String(date.getUTCDate()).padStart(2, '0'),
  ].join('.');
  if (buildOfDay === undefined) return day;
  if (!Number.isInteger(buildOfDay) || buildOfDay < 1 || buildOfDay > MAX_BUILDS_PER_DAY) {
    throw new FormatError(
      FormatErrorCode.INVALID_VERSION,
      `buildOfDay must be an integer in 1..${MAX_BUILDS_PER_DAY}`,
    );
  }
  return `${day}.${String(buildOfDay).padStart(3, '0')}`;
}

/** True when the string is in one of the two accepted forms (see above). */
export function isLexicallyOrderedVersion(version: string): boolean {
  const date = DATE_VERSION.exec(version);
  if (date) return isRealDate(Number(date[1]), Number(date[2]), Number(date[3])) && date[5] !== '000';
  return PADDED_NUMERIC_VERSION.test(version);
}

/**
 * Returns a version in an accepted form: accepted forms come back unchanged, numeric versions of up to four
 * parts of up to six digits are zero-padded (`1.12.3` -> `000001.000012.000003`), anything else (letters,
 * pre-release tags, `v1.2`) is rejected because no padding can make it order correctly.
 */
export function normalisePackageVersion(version: string): string {
  if (isLexicallyOrderedVersion(version)) return version;
  if (!DATE_VERSION.test(version) && LOOSE_NUMERIC_VERSION.test(version)) {
    return version
      .split('.')
      .map((part) => part.padStart(NUMERIC_PART_WIDTH, '0'))
      .join('.');
  }
  throw new FormatError(
    FormatErrorCode.INVALID_VERSION,
    `version ${JSON.stringify(version)} cannot be made to compare correctly as a string; ` +
      'use a date version such as 2026.04.21 or dotted numbers such as 1.12.3',
  );
}

/** The runtime's comparison: plain string order (UTF-16 code units, which for digits and dots is byte order). */
export function comparePackageVersions(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
