import type { TileFormat } from './tileset-metadata';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const GZIP_SIGNATURE = Buffer.from([0x1f, 0x8b]);
/** Protobuf key of field 3 (`layers`), wire type 2: the first byte of every non-empty raw MVT. */
const MVT_LAYER_KEY = 0x1a;

export function isGzip(bytes: Uint8Array): boolean {
  return startsWith(bytes, GZIP_SIGNATURE);
}

/** Cheap magic-number check so a tile of the wrong type (an HTML error page, a JPEG in a PNG set) is caught. */
export function matchesTileFormat(bytes: Uint8Array, format: TileFormat): boolean {
  switch (format) {
    case 'png':
      return startsWith(bytes, PNG_SIGNATURE);
    case 'jpeg':
      return startsWith(bytes, JPEG_SIGNATURE);
    case 'webp':
      return (
        bytes.length >= 12 &&
        Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' &&
        Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP'
      );
    case 'mvt':
      return isGzip(bytes) || bytes[0] === MVT_LAYER_KEY;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let index = 0; index < prefix.length; index += 1) if (bytes[index] !== prefix[index]) return false;
  return true;
}
