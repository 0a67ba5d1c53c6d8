import { flipY, TileCoord, tilesPerSide } from '@map-offline/geo';
import { quadkeyToTileCoord } from './quadkey';

export type TileFormat = 'png' | 'mvt';

export interface TileRequest {
  style: string;
  format: TileFormat;
  /** Always XYZ (rows from the north); TMS and quadkey paths are converted here. */
  tile: TileCoord;
}

const FORMAT_BY_EXTENSION: Record<string, TileFormat> = { png: 'png', mvt: 'mvt', pbf: 'mvt' };
const MAX_DIGITS = 8;

/**
 * Parses the tile paths this server answers, without a URL object (this is the hot path):
 *   /{style}/{z}/{x}/{y}.png|.mvt|.pbf     XYZ
 *   /tms/{style}/{z}/{x}/{y}.png|.mvt      TMS (rows counted from the south)
 *   /{style}/{quadkey}.png|.mvt            Bing quadkey
 * Returns undefined for anything else. Coordinates outside the zoom's grid are returned as they are
 * (TMS rows flipped only when in range), so the caller can answer 404 for them.
 */
export function parseTilePath(rawUrl: string): TileRequest | undefined {
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const parts = path.split('/');
  if (parts[0] !== '') return undefined;
  const last = parts[parts.length - 1];
  const dot = last.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const format = FORMAT_BY_EXTENSION[last.slice(dot + 1)];
  if (format === undefined) return undefined;
  const lastName = last.slice(0, dot);

  if (parts.length === 3) {
    const tile = quadkeyToTileCoord(lastName);
    return tile && parts[1] !== '' ? { style: parts[1], format, tile } : undefined;
  }
  const isTms = parts.length === 6 && parts[1] === 'tms';
  if (parts.length !== 5 && !isTms) return undefined;
  const offset = isTms ? 1 : 0;
  const style = parts[1 + offset];
  const z = parseWholeNumber(parts[2 + offset]);
  const x = parseWholeNumber(parts[3 + offset]);
  const row = parseWholeNumber(lastName);
  if (style === '' || z === undefined || x === undefined || row === undefined || z > 30) return undefined;
  const y = isTms && row < tilesPerSide(z) ? flipY(row, z) : row;
  return { style, format, tile: { z, x, y } };
}

function parseWholeNumber(text: string): number | undefined {
  if (text.length === 0 || text.length > MAX_DIGITS) return undefined;
  let value = 0;
  for (let index = 0; index < text.length; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}
