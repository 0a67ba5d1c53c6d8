export * from './format-error';
export { formatFieldPath, describeIssue } from './validation-message';

export * from './tileset/package-tile';
export * from './tileset/tileset-metadata';
export * from './tileset/tileset-write-options';
export type { TileIntakeOptions } from './tileset/tile-intake';
export { isGzip, matchesTileFormat } from './tileset/tile-signature';
export * from './tileset/synthetic-package-tiles';

export { writeMbtiles, type MbtilesWriteResult } from './mbtiles/mbtiles-writer';
export { MbtilesReader } from './mbtiles/mbtiles-reader';
export { computeAggregateTilesHash } from './mbtiles/aggregate-tiles-hash';
export { MBTILES_FORMAT } from './mbtiles/mbtiles-schema';

export { writePmtiles, type PmtilesWriteOptions, type PmtilesWriteResult } from './pmtiles/pmtiles-writer';
export * from './pmtiles/pmtiles-header';
export { zxyToTileId, tileIdToZxy, MAX_PMTILES_ZOOM } from './pmtiles/hilbert-tile-id';
export { decodeDirectory } from './pmtiles/directory-codec';
export type { DirectoryEntry } from './pmtiles/directory-entries';
export { PmtilesFileSource } from './pmtiles/pmtiles-file-source';
export { ROOT_DIRECTORY_BUDGET_BYTES } from './pmtiles/directory-layout';

export * from './cybertracker/package-input';
export * from './cybertracker/package-version';
export * from './cybertracker/layer-symbol.schema';
export * from './cybertracker/lookup-content.schema';
export { packageManifestSchema, type PackageManifest } from './cybertracker/package-manifest.schema';
export {
  layersFileSchema,
  layerEntrySchema,
  type LayerEntry,
  type LayerEntryInput,
} from './cybertracker/layers-file.schema';
export {
  featureCollectionSchema,
  lookupFeatureCollectionSchema,
  type FeatureCollection,
  type FeatureCollectionInput,
} from './cybertracker/geojson.schema';
export {
  validateCyberTrackerPackage,
  type ArchiveEntry,
  type ValidatedPackage,
} from './cybertracker/package-validation';
export {
  writeCyberTrackerPackage,
  type CyberTrackerPackageOptions,
  type CyberTrackerPackageResult,
} from './cybertracker/cybertracker-package-writer';

export * from './applink/applink';
export * from './applink/qr-code';
