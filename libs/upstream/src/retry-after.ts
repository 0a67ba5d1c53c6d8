/** milliseconds; a Retry-After longer than this is cut down to it by default */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/**
 * Retry-After (RFC 9110 10.2.3) as milliseconds to wait from `now`: either delay-seconds (digits only)
 * or an HTTP-date. undefined when absent or unreadable (the caller falls back to its backoff); a date in
 * the past is 0; the result never exceeds `maxMs`.
 */
export function parseRetryAfter(
  header: string | readonly string[] | undefined,
  now: number,
  maxMs: number = DEFAULT_MAX_RETRY_AFTER_MS,
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header) as string | undefined;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    // Many digits are still "a long time": cap rather than reject.
    return Math.min(Number(text) * 1000, maxMs);
  }
  const date = parseHttpDate(text);
  if (date === undefined) return undefined;
  return Math.min(Math.max(0, date - now), maxMs);
}

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is what servers send; Date.parse also reads the two
// obsolete forms (RFC 850 and asctime). Anything Date.parse cannot read is ignored.
const LOOKS_LIKE_A_DATE = /[A-Za-z]{3}.*\d{1,2}.*\d{2}:\d{2}:\d{2}/;

/** milliseconds since the epoch, or undefined */
export function parseHttpDate(text: string): number | undefined {
  if (!LOOKS_LIKE_A_DATE.test(text)) return undefined;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}
