// vt-pbf 3 ships no types; only the function this app calls is declared.
declare module 'vt-pbf' {
  import type { Feature } from 'geojson-vt';

  export interface VectorTileLayerSource {
    features: Feature[];
  }

  /** Encodes geojson-vt tiles, one per layer name, as an uncompressed Mapbox Vector Tile (protobuf). */
  export function fromGeojsonVt(
    layers: Record<string, VectorTileLayerSource>,
    options?: { version?: number; extent?: number },
  ): Uint8Array;
}
