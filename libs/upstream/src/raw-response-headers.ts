import type { ResponseHeaders } from './cache-headers';

/**
 * The response headers anything downstream reads (classifier, cache validators, Retry-After, redirects,
 * the body size limit). Every other header is skipped without decoding it.
 */
const WANTED_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'etag',
  'cache-control',
  'age',
  'expires',
  'retry-after',
  'location',
]);

/** bytes: no wanted header name is shorter or longer, so names outside this range are skipped unread */
const SHORTEST_NAME = 'age'.length;
const LONGEST_NAME = 'content-encoding'.length;

/**
 * Picks the wanted headers out of undici's raw list (name, value, name, value ... as Buffers) into lower-case
 * names. A repeated header keeps its first value, as headerValue() would.
 */
export function pickResponseHeaders(rawHeaders: readonly Buffer[]): ResponseHeaders {
  const picked: Record<string, string> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const rawName = rawHeaders[index];
    if (rawName.length < SHORTEST_NAME || rawName.length > LONGEST_NAME) continue;
    const name = rawName.toString('latin1').toLowerCase();
    if (!WANTED_HEADERS.has(name) || picked[name] !== undefined) continue;
    // Values as UTF-8, as undici's own header parsing decodes them.
    picked[name] = rawHeaders[index + 1].toString('utf8');
  }
  return picked;
}
