import { gunzipSync } from 'node:zlib';
import { VectorTile, VectorTileFeature } from '@mapbox/vector-tile';
import Pbf from 'pbf';

const GZIP_MAGIC = [0x1f, 0x8b];

export interface DecodedLayer {
  version: number;
  extent: number;
  features: VectorTileFeature[];
}

/** Gunzips a fixture MVT body (it must be gzip) and decodes every layer with @mapbox/vector-tile. */
export function decodeVectorTile(body: Buffer): Record<string, DecodedLayer> {
  if (body[0] !== GZIP_MAGIC[0] || body[1] !== GZIP_MAGIC[1]) {
    throw new Error(
      `MVT body does not start with the gzip magic bytes: ${body.subarray(0, 2).toString('hex')}`,
    );
  }
  const tile = new VectorTile(new Pbf(gunzipSync(body)));
  const layers: Record<string, DecodedLayer> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    layers[name] = {
      version: layer.version,
      extent: layer.extent,
      features: Array.from({ length: layer.length }, (_, index) => layer.feature(index)),
    };
  }
  return layers;
}
