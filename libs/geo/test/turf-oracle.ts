import { booleanIntersects, feature, polygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { latitudeToRow, longitudeToColumn, TileCoord, tilesPerSide, tileToBBox } from '@map-offline/geo';

/**
 * What @turf/turf, independently of our code, says about a tile and an area:
 * - 'overlaps': the tile shrunk by a billionth of its size on each side still meets the area, so the
 *   tile's interior meets the area's interior: it must be in the cover;
 * - 'disjoint': even the closed tile does not meet the area: it must not be in the cover;
 * - 'touches': the closed tile meets the area but the shrunk one does not. Either it only touches
 *   (left out by our rule) or it overlaps by a sliver thinner than the shrink (kept by our rule, e.g. a
 *   vertex 1e-14 degrees past a tile edge); turf cannot tell these apart, so either answer passes here and
 *   the touching rule is pinned by exact tests on tile-aligned areas instead.
 * Turf's tests are closed-set and planar in lon/lat, like RFC 7946 edges. Row 0 and the last row reach
 * the poles, as in the cover.
 */
export type TurfVerdict = 'overlaps' | 'disjoint' | 'touches';

export function turfVerdict(tile: TileCoord, area: Polygon | MultiPolygon): TurfVerdict {
  const side = tilesPerSide(tile.z);
  const [west, tileSouth, east, tileNorth] = tileToBBox(tile);
  const north = tile.y === 0 ? 90 : tileNorth;
  const south = tile.y === side - 1 ? -90 : tileSouth;
  const insetX = (east - west) * 1e-9;
  const insetY = (north - south) * 1e-9;
  const areaFeature = feature(area);
  if (
    booleanIntersects(rectangle(west + insetX, south + insetY, east - insetX, north - insetY), areaFeature)
  ) {
    return 'overlaps';
  }
  return booleanIntersects(rectangle(west, south, east, north), areaFeature) ? 'touches' : 'disjoint';
}

function rectangle(west: number, south: number, east: number, north: number) {
  return polygon([
    [
      [west, south],
      [east, south],
      [east, north],
      [west, north],
      [west, south],
    ],
  ]);
}

/** The cover's answer is consistent with turf's verdict. */
export function agreesWithTurf(covered: boolean, verdict: TurfVerdict): boolean {
  return verdict === 'touches' || covered === (verdict === 'overlaps');
}

/** Every tile whose row and column lie within one tile of the area's bbox: the candidates to check. */
export function candidateTiles(area: Polygon | MultiPolygon, zoom: number): TileCoord[] {
  const positions = area.type === 'Polygon' ? area.coordinates.flat() : area.coordinates.flat(2);
  const longitudes = positions.map((position) => position[0]);
  const latitudes = positions.map((position) => position[1]);
  const last = tilesPerSide(zoom) - 1;
  const minX = Math.max(0, longitudeToColumn(Math.min(...longitudes), zoom) - 1);
  const maxX = Math.min(last, longitudeToColumn(Math.max(...longitudes), zoom) + 1);
  const minY = Math.max(0, latitudeToRow(Math.max(...latitudes), zoom) - 1);
  const maxY = Math.min(last, latitudeToRow(Math.min(...latitudes), zoom) + 1);
  const tiles: TileCoord[] = [];
  for (let y = minY; y <= maxY; y += 1) for (let x = minX; x <= maxX; x += 1) tiles.push({ z: zoom, x, y });
  return tiles;
}

export const tileKey = (tile: TileCoord): string => `${tile.z}/${tile.x}/${tile.y}`;
