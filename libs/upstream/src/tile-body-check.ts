import type { UpstreamTileFormat } from './tile-source';

export type TileBodyCheck = { acceptable: true } | { acceptable: false; reason: string };

const FORMAT_NAMES: Record<UpstreamTileFormat, string> = {
  png: 'a PNG tile',
  jpeg: 'a JPEG tile',
  webp: 'a WebP tile',
  mvt: 'a vector tile',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const LESS_THAN = 0x3c; // '<': HTML or XML
const OPEN_BRACE = 0x7b; // '{': JSON

/**
 * Whether a 200 body is the tile format the source serves, judged by its first bytes. The content type
 * only colours the reason: servers often send image/png for JPEG or application/octet-stream for MVT,
 * so valid magic bytes win. An HTML page (captive portal, CDN error page) is the common failure.
 */
export function checkTileBody(
  format: UpstreamTileFormat,
  body: Uint8Array,
  contentType?: string,
): TileBodyCheck {
  if (matchesFormat(format, body)) return { acceptable: true };
  return {
    acceptable: false,
    reason: `upstream returned ${describeBody(body, contentType)} instead of ${FORMAT_NAMES[format]}`,
  };
}

export function matchesFormat(format: UpstreamTileFormat, body: Uint8Array): boolean {
  switch (format) {
    case 'png':
      return startsWith(body, PNG_SIGNATURE, 0);
    case 'jpeg':
      return body.length >= 3 && body[0] === 0xff && body[1] === 0xd8 && body[2] === 0xff;
    case 'webp':
      // RIFF <4-byte size> WEBP
      return startsWith(body, [0x52, 0x49, 0x46, 0x46], 0) && startsWith(body, [0x57, 0x45, 0x42, 0x50], 8);
    case 'mvt':
      // gzip-compressed, or raw protobuf: no text error page (HTML/XML or JSON) starts a tile.
      if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) return true;
      return body.length > 0 && !looksLikeText(body);
  }
}

function looksLikeText(body: Uint8Array): boolean {
  const first = body[firstVisibleIndex(body)];
  return first === LESS_THAN || first === OPEN_BRACE;
}

/** Error pages often start with whitespace or a UTF-8 byte-order mark. */
function firstVisibleIndex(body: Uint8Array): number {
  let index = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  while (index < body.length && isWhitespace(body[index])) index += 1;
  return index;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function startsWith(body: Uint8Array, bytes: readonly number[], offset: number): boolean {
  if (body.length < offset + bytes.length) return false;
  for (let index = 0; index < bytes.length; index += 1) {
    if (body[offset + index] !== bytes[index]) return false;
  }
  return true;
}

/** Names what came back: the content type when it is a real one, else what the first bytes look like. */
function describeBody(body: Uint8Array, contentType: string | undefined): string {
  const mediaType = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (mediaType !== '' && mediaType !== 'application/octet-stream' && !mediaType.startsWith('image/'))
    return mediaType;
  const first = body[firstVisibleIndex(body)];
  if (first === LESS_THAN) return 'text/html';
  if (first === OPEN_BRACE) return 'a JSON document';
  if (matchesFormat('png', body)) return 'a PNG image';
  if (matchesFormat('jpeg', body)) return 'a JPEG image';
  if (matchesFormat('webp', body)) return 'a WebP image';
  return `${body.length} bytes of unrecognised data`;
}
