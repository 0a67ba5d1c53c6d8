import { parseHttpDate } from './retry-after';

/** characters; the tile.etag column is varchar(256), and a longer validator is not worth storing */
export const MAX_ETAG_LENGTH = 256;

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface CacheValidators {
  etag?: string;
  /** when the upstream says the tile goes stale; absent when it said nothing */
  expiresAt?: Date;
}

// Visible ASCII (and obs-text) only: the value is sent back in If-None-Match as it was received.
const ETAG_CHARACTERS = /^[\x21-\x7e\x80-\xff]+$/;

/** One header value; repeated headers keep the first (lower-case names, as undici gives them). */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An ETag worth storing and sending back, or undefined. Weak validators (W/"...") are kept as they are. */
export function readEtag(headers: ResponseHeaders): string | undefined {
  const etag = headerValue(headers, 'etag')?.trim();
  if (etag === undefined || etag.length === 0 || etag.length > MAX_ETAG_LENGTH) return undefined;
  return ETAG_CHARACTERS.test(etag) ? etag : undefined;
}

/** True when the value can go into If-None-Match without breaking the request. */
export function isSendableEtag(etag: string): boolean {
  return etag.length > 0 && etag.length <= MAX_ETAG_LENGTH && ETAG_CHARACTERS.test(etag);
}

/**
 * Freshness lifetime (RFC 9111 4.2.1): s-maxage, then max-age (less Age), then Expires.
 * no-store / no-cache mean "stale at once". An unreadable Expires also means already expired.
 * `now` is milliseconds since the epoch.
 */
export function readExpiry(headers: ResponseHeaders, now: number): Date | undefined {
  const cacheControl = headerValue(headers, 'cache-control');
  if (cacheControl !== undefined) {
    const directives = parseCacheControl(cacheControl);
    if (directives.has('no-store') || directives.has('no-cache')) return new Date(now);
    const maxAge = wholeSeconds(directives.get('s-maxage')) ?? wholeSeconds(directives.get('max-age'));
    if (maxAge !== undefined) {
      const age = wholeSeconds(headerValue(headers, 'age')) ?? 0;
      return new Date(now + Math.max(0, maxAge - age) * 1000);
    }
  }
  const expires = headerValue(headers, 'expires');
  if (expires === undefined) return undefined;
  const date = parseHttpDate(expires.trim());
  return new Date(date ?? now);
}

export function readCacheValidators(headers: ResponseHeaders, now: number): CacheValidators {
  return { etag: readEtag(headers), expiresAt: readExpiry(headers, now) };
}

// Every tile of a source usually carries the same Cache-Control: remember the last one parsed.
let lastCacheControl: { header: string; directives: Map<string, string> } | undefined;

function parseCacheControl(header: string): Map<string, string> {
  if (lastCacheControl?.header === header) return lastCacheControl.directives;
  const directives = new Map<string, string>();
  for (const item of header.split(',')) {
    const [rawName, ...rawValue] = item.split('=');
    const name = rawName.trim().toLowerCase();
    if (name === '') continue;
    directives.set(
      name,
      rawValue
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  // Callers only read the map, so the next tile with the same header can share it.
  lastCacheControl = { header, directives };
  return directives;
}

function wholeSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
