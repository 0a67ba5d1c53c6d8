import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type geojsonvt from 'geojson-vt';

export type GeojsonVtFactory = typeof geojsonvt;
export type GeojsonVtIndex = ReturnType<GeojsonVtFactory>;
export type GeojsonVtTile = NonNullable<ReturnType<GeojsonVtIndex['getTile']>>;
export type GeojsonVtFeature = GeojsonVtTile['features'][number];

/**
 * geojson-vt 4 is an ES module only ("exports": "./src/index.js"). Node 20.19 can require() it, but
 * jest's CommonJS runtime cannot, so this loads the UMD build the package ships beside it
 * (geojson-vt.js, same code, bundled) by absolute path, which the "exports" map does not block.
 */
export function loadGeojsonVt(): GeojsonVtFactory {
  const localRequire = createRequire(__filename);
  const entry = localRequire.resolve('geojson-vt');
  try {
    // Plain Node (20.19+) can require() the ES module itself and returns its namespace.
    const namespace = localRequire('geojson-vt') as { default?: GeojsonVtFactory };
    if (typeof namespace.default === 'function') return namespace.default;
  } catch {
    // jest's CommonJS runtime cannot load ES modules: fall through to the UMD build.
  }
  return localRequire(join(dirname(entry), '..', 'geojson-vt.js')) as GeojsonVtFactory;
}
