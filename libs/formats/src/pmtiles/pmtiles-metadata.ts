import type { TilesetMetadata, TileFormat } from '../tileset/tileset-metadata';
import { PmtilesCompression, PmtilesTileType } from './pmtiles-header';

export const PMTILES_TILE_TYPE: Record<TileFormat, PmtilesTileType> = {
  png: PmtilesTileType.Png,
  jpeg: PmtilesTileType.Jpeg,
  webp: PmtilesTileType.Webp,
  mvt: PmtilesTileType.Mvt,
};

/** MVT tiles are stored gzipped (see TileIntake); raster images are already compressed and stored as is. */
export function pmtilesTileCompression(format: TileFormat): PmtilesCompression {
  return format === 'mvt' ? PmtilesCompression.Gzip : PmtilesCompression.None;
}

/** The JSON metadata object (spec chapter 5 keys; `version` as a semantic version). */
export function pmtilesJsonMetadata(metadata: TilesetMetadata): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: metadata.name,
    type: metadata.type,
    version: `${metadata.version}.0.0`,
  };
  if (metadata.description !== undefined) json.description = metadata.description;
  if (metadata.attribution !== undefined) json.attribution = metadata.attribution;
  if (metadata.format === 'mvt') json.vector_layers = metadata.vectorLayers ?? [];
  return json;
}
