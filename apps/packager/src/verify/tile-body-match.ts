import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { isGzip, type TileFormat } from '@map-offline/formats';

/**
 * True when a tile read back from a package is the cached body with SHA-256 `expected`. Raw MVT bodies are
 * stored gzip-compressed (MBTiles `pbf`, PMTiles tile compression gzip), so for MVT the inflated bytes may
 * be what matches.
 */
export function storedBodyMatches(stored: Buffer, expected: string, format: TileFormat): boolean {
  if (sha256Hex(stored) === expected) return true;
  return format === 'mvt' && isGzip(stored) && sha256Hex(gunzipSync(stored)) === expected;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
