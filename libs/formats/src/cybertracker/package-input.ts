import type { z } from 'zod';
import type { FeatureCollectionInput } from './geojson.schema';
import type { LayerEntryInput } from './layers-file.schema';
import type { LookupContentInput } from './lookup-content.schema';
import type { packageManifestSchema } from './package-manifest.schema';

/** A file for the archive root. JSON kinds are validated and serialised by the writer. */
export type PackageFile =
  /** Streamed from disk into the zip (the basemap `.mbtiles`, shapefile parts, GeoTIFFs). */
  | { kind: 'disk'; filename: string; path: string }
  /** A GeoJSON layer or the lookup geometry `<basename>.geojson`; rings are rewound per RFC 7946. */
  | { kind: 'geojson'; filename: string; data: FeatureCollectionInput }
  /** The lookup content `<basename>.json` (section 3). */
  | { kind: 'lookup-content'; filename: string; data: LookupContentInput }
  /** Any other small file given as bytes (a `.prj`, a `.wms` JSON). */
  | { kind: 'bytes'; filename: string; data: Buffer };

export interface CyberTrackerPackageInput {
  /** Written as `package.json`. */
  manifest: z.input<typeof packageManifestSchema>;
  /** Written as `layers.json` when given: draw order, names, opacity, lookup and symbols. */
  layers?: LayerEntryInput[];
  files: PackageFile[];
}

/** The two companion files a lookup layer needs: `<basename>.geojson` (geometry) and `<basename>.json` (content). */
export function lookupLayerFiles(
  basename: string,
  geometry: FeatureCollectionInput,
  content: LookupContentInput,
): [PackageFile, PackageFile] {
  return [
    { kind: 'geojson', filename: `${basename}.geojson`, data: geometry },
    { kind: 'lookup-content', filename: `${basename}.json`, data: content },
  ];
}
