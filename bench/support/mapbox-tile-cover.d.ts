// @mapbox/tile-cover ships no types; only what the cover bench calls is declared.
declare module '@mapbox/tile-cover' {
  import type { Geometry } from 'geojson';

  export interface TileCoverLimits {
    min_zoom: number;
    max_zoom: number;
  }

  /** Tiles as [x, y, z] arrays. */
  export function tiles(geometry: Geometry, limits: TileCoverLimits): Array<[number, number, number]>;
}
