import { BBox, bboxToGeometry, planCover } from '@map-offline/geo';

/** What every contender seeds: one bbox over a zoom range, so MapProxy's seed task can name it as is. */
export interface SeedArea {
  name: string;
  /** [west, south, east, north], degrees */
  bbox: BBox;
  minZoom: number;
  maxZoom: number;
}

/**
 * Europe from Ireland to the Black Sea, z0..z10: 20,113 tiles, a quarter of them coastline tiles the
 * fixture renders one by one (distinct blobs), the rest uniform sea or land (de-duplicated). No edge lies
 * on a tile boundary at these zooms, so every cover rule (touching tiles in or out) gives the same tiles.
 */
export const FULL_AREA: SeedArea = {
  name: 'Europe z0-z10',
  bbox: [-11, 35, 32, 62],
  minZoom: 0,
  maxZoom: 10,
};

/** --quick: the same kind of area, about 5,000 tiles. */
export const QUICK_AREA: SeedArea = {
  name: 'Central Europe z0-z10',
  bbox: [-1, 43, 20.5, 56.5],
  minZoom: 0,
  maxZoom: 10,
};

/** Tiles in the area's cover, as our planner counts them (the fixture's request counter must agree). */
export function areaTileCount(area: SeedArea): number {
  return planCover(bboxToGeometry(area.bbox), { minZoom: area.minZoom, maxZoom: area.maxZoom }).total;
}
