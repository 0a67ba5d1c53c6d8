// @mapbox/vector-tile 1 and pbf 3 (vt-pbf's own dependencies) ship no types; only what the fixture
// tests call is declared.
declare module 'pbf' {
  class Pbf {
    constructor(buffer?: Uint8Array);
  }
  export = Pbf;
}

declare module '@mapbox/vector-tile' {
  import type Pbf from 'pbf';
  import type { Feature } from 'geojson';

  export class VectorTileFeature {
    /** 1 point, 2 line string, 3 polygon */
    type: 0 | 1 | 2 | 3;
    extent: number;
    properties: Record<string, string | number | boolean>;
    /** rings or lines in tile units */
    loadGeometry(): Array<Array<{ x: number; y: number }>>;
    /** longitude/latitude, for the tile x, y, z the feature came from */
    toGeoJSON(x: number, y: number, z: number): Feature;
  }

  export class VectorTileLayer {
    version: number;
    name: string;
    extent: number;
    length: number;
    feature(index: number): VectorTileFeature;
  }

  export class VectorTile {
    constructor(pbf: Pbf);
    layers: Record<string, VectorTileLayer>;
  }
}
