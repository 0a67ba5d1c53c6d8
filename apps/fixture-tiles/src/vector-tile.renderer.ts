import { gzipSync } from 'node:zlib';
import { fromGeojsonVt, VectorTileLayerSource } from 'vt-pbf';
import type { TileCoord } from '@map-offline/geo';
import { GeojsonVtFeature } from './geojson-vt.loader';
import { VECTOR_EXTENT, WorldVectorSource } from './world-vector.source';

export const VECTOR_LAYER_NAMES = { land: 'land', countries: 'countries', meta: 'meta' } as const;

/**
 * Mapbox Vector Tiles (spec 2.1), gzip-compressed. Layers: `land` (merged land polygons), `countries`
 * (one polygon feature per country with `name` and `isoNumeric`), and for changed tiles only `meta`
 * (one point with the tile's `version`). A tile with no features has no layers.
 */
export class VectorTileRenderer {
  constructor(private readonly source: WorldVectorSource) {}

  /** The gzip of an empty tile: every sea tile shares it. */
  renderEmpty(): Buffer {
    return encode({});
  }

  render(tile: TileCoord, version: string): Buffer {
    const layers: Record<string, VectorTileLayerSource> = {};
    const land = this.source.landTile(tile);
    if (land && land.features.length > 0) layers[VECTOR_LAYER_NAMES.land] = { features: land.features };
    const countries = this.source.countriesTile(tile);
    if (countries && countries.features.length > 0) {
      layers[VECTOR_LAYER_NAMES.countries] = { features: countries.features };
    }
    if (version !== '') layers[VECTOR_LAYER_NAMES.meta] = { features: [versionPoint(version)] };
    return encode(layers);
  }
}

function versionPoint(version: string): GeojsonVtFeature {
  const centre = VECTOR_EXTENT / 2;
  return { type: 1, geometry: [[centre, centre]], tags: { version } };
}

function encode(layers: Record<string, VectorTileLayerSource>): Buffer {
  const protobuf = fromGeojsonVt(layers, { version: 2, extent: VECTOR_EXTENT });
  // Level 6 is what tile stores commonly use; Node writes no timestamp, so the bytes are repeatable.
  return gzipSync(protobuf, { level: 6 });
}
