import { booleanIntersects, feature, polygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { latitudeToRow, longitudeToColumn, TileCoord, tilesPerSide, tileToBBox } from '@map-offline/geo';

/**
 * Independent check of the boundary rule with @turf/turf: a tile is in the cover iff its interior meets
 * the area's interior. Turf's booleanIntersects is a closed-set test (touching counts), so the tile is
 * first shrunk by a billionth of its size on each side: touching-only tiles fall out, and a tile whose
 * overlap with the area is wider than that shrink stays in. Row 0 and the last row reach the poles,
 * as in the cover.
 */
export function turfSaysCovered(tile: TileCoord, area: Polygon | MultiPolygon): boolean {
  const side = tilesPerSide(tile.z);
  const [west, tileSouth, east, tileNorth] = tileToBBox(tile);
  const north = tile.y === 0 ? 90 : tileNorth;
  const south = tile.y === side - 1 ? -90 : tileSouth;
  const insetX = (east - west) * 1e-9;
  const insetY = (north - south) * 1e-9;
  const shrunk = polygon([
    [
      [west + insetX, south + insetY],
      [east - insetX, south + insetY],
      [east - insetX, north - insetY],
      [west + insetX, north - insetY],
      [west + insetX, south + insetY],
    ],
  ]);
  return booleanIntersects(shrunk, feature(area));
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
