import type { TilesetMetadata } from '../tileset/tileset-metadata';
import { MBTILES_FORMAT } from './mbtiles-schema';

/** The metadata rows MBTiles 1.3 defines, as (name, value) text pairs. */
export function mbtilesMetadataRows(metadata: TilesetMetadata): Array<[name: string, value: string]> {
  const rows: Array<[string, string]> = [
    ['name', metadata.name],
    ['format', MBTILES_FORMAT[metadata.format]],
    ['bounds', metadata.bounds.join(',')],
    ['center', metadata.center.join(',')],
    ['minzoom', String(metadata.minZoom)],
    ['maxzoom', String(metadata.maxZoom)],
    ['type', metadata.type],
    ['version', String(metadata.version)],
  ];
  if (metadata.attribution !== undefined) rows.push(['attribution', metadata.attribution]);
  if (metadata.description !== undefined) rows.push(['description', metadata.description]);
  if (metadata.format === 'mvt')
    rows.push(['json', JSON.stringify({ vector_layers: metadata.vectorLayers ?? [] })]);
  return rows;
}
