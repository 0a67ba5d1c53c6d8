import type { TileCoord } from '@map-offline/geo';
import { GeojsonVtIndex, GeojsonVtTile, loadGeojsonVt } from './geojson-vt.loader';
import { WorldGeometry } from './world-geometry.loader';

/** Tile extent of geojson-vt output and of the vector tiles, in tile units (4096 = one tile side). */
export const VECTOR_EXTENT = 4096;
/** Geometry kept beyond each tile edge, in tile units, so strokes and joins do not stop at the edge. */
export const VECTOR_BUFFER = 64;

// geojson-vt keeps every tile it has sliced; past this many the index is rebuilt (~80 ms) so a long
// benchmark or a wide seeding run cannot grow memory without bound.
const MAX_SLICED_TILES = 50_000;

/** Land and country polygons sliced per tile by geojson-vt, in tile units. */
export class WorldVectorSource {
  private landIndex: GeojsonVtIndex;
  private countriesIndex: GeojsonVtIndex;
  private readonly factory = loadGeojsonVt();

  constructor(private readonly world: WorldGeometry) {
    this.landIndex = this.buildIndex('land');
    this.countriesIndex = this.buildIndex('countries');
  }

  landTile(tile: TileCoord): GeojsonVtTile | null {
    if (this.landIndex.tileCoords.length > MAX_SLICED_TILES) this.landIndex = this.buildIndex('land');
    return this.landIndex.getTile(tile.z, tile.x, tile.y);
  }

  countriesTile(tile: TileCoord): GeojsonVtTile | null {
    if (this.countriesIndex.tileCoords.length > MAX_SLICED_TILES)
      this.countriesIndex = this.buildIndex('countries');
    return this.countriesIndex.getTile(tile.z, tile.x, tile.y);
  }

  private buildIndex(layer: 'land' | 'countries'): GeojsonVtIndex {
    return this.factory(this.world[layer], {
      // Keep full detail at every zoom this server can serve; the source data is 1:50m anyway.
      maxZoom: 24,
      indexMaxZoom: 5,
      tolerance: 3,
      extent: VECTOR_EXTENT,
      buffer: VECTOR_BUFFER,
    });
  }
}
