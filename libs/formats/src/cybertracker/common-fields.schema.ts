import { z } from 'zod';

export const nonEmptyString = z.string().min(1);

/** A language identifier such as `en`, `mn` or a locale such as `en-US` (BCP 47 shape, not the registry). */
export const languageTag = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'must be a language tag such as en, mn or en-US' });

/** `#rrggbb`; written lowercase whatever case the caller used. */
export const hexColour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, { error: 'must be a colour written #rrggbb' })
  .transform((colour) => colour.toLowerCase());

/** An absolute http(s) URL; runtime tokens such as `<latitude>` may appear in it. */
export const webUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, { error: 'must be an http:// or https:// URL' });

const RFC_3339_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 `date-time` (section 5.6): full date, `T`, full time with a `Z` or numeric offset; checked as a real instant. */
export const rfc3339DateTime = z.string().refine((value) => isRfc3339DateTime(value), {
  error: 'must be an RFC 3339 date-time such as 2026-03-01T00:00:00Z',
});

export function isRfc3339DateTime(value: string): boolean {
  const match = RFC_3339_DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Seconds may be 60 on a leap second.
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60
  );
}
