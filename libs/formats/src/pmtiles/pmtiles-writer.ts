import { randomUUID } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { claimOutputFile, removeQuietly } from '../tileset/output-file';
import type { PackageTileSource } from '../tileset/package-tile';
import {
  parseTilesetMetadata,
  type TilesetMetadata,
  type TilesetMetadataInput,
} from '../tileset/tileset-metadata';
import type { TilesetWriteOptions, TilesetWriteResult } from '../tileset/tileset-write-options';
import { layoutDirectories, type DirectoryLayout } from './directory-layout';
import {
  encodePmtilesHeader,
  PMTILES_HEADER_BYTES,
  PmtilesCompression,
  type PmtilesHeader,
} from './pmtiles-header';
import { PMTILES_TILE_TYPE, pmtilesJsonMetadata, pmtilesTileCompression } from './pmtiles-metadata';
import { collectTiles } from './tile-collection';
import { planTileData, type TileDataPlan } from './tile-data-plan';
import { copyTileData } from './tile-data-copier';
import { TileSpool } from './tile-spool';

export interface PmtilesWriteOptions extends TilesetWriteOptions {
  /** Where the temporary tile spool goes (default: next to the output, so the same disk holds both). */
  temporaryDirectory?: string;
}

export interface PmtilesWriteResult extends TilesetWriteResult {
  /** Directory entries after run-length folding. */
  tileEntries: number;
  /** 0 when every entry fits in the root directory. */
  leafDirectories: number;
  header: PmtilesHeader;
}

/**
 * Writes a PMTiles v3 archive at `outputPath` (which must not exist) from tiles in any order, in bounded
 * memory: tile bodies go to a spool file as they arrive (each distinct body once, by SHA-256), only ids,
 * offsets and lengths stay in typed arrays, then the archive is written as header, root directory, JSON
 * metadata, leaf directories and clustered tile data (tile-id order), copying bodies from the spool in
 * large chunks. Sending tiles in Hilbert (tile-id) order is fastest: the sort is skipped and spool reads
 * are sequential.
 */
export async function writePmtiles(
  outputPath: string,
  tiles: PackageTileSource,
  metadataInput: TilesetMetadataInput,
  options: PmtilesWriteOptions = {},
): Promise<PmtilesWriteResult> {
  const metadata = parseTilesetMetadata(metadataInput);
  await claimOutputFile(outputPath);
  const spoolPath = join(
    options.temporaryDirectory ?? dirname(outputPath),
    `.${basename(outputPath)}.${randomUUID()}.spool`,
  );
  let spool: TileSpool | undefined;
  try {
    spool = await TileSpool.create(spoolPath);
    const collected = await collectTiles(tiles, metadata, spool, options);
    await spool.flush();
    const plan = planTileData(collected);
    const layout = layoutDirectories(plan.entries);
    const jsonMetadata = gzipSync(JSON.stringify(pmtilesJsonMetadata(metadata)));
    const header = buildHeader(metadata, plan, layout, jsonMetadata.length, collected.contentCount);

    const output = await open(outputPath, 'r+');
    try {
      await output.write(
        Buffer.concat([encodePmtilesHeader(header), layout.root, jsonMetadata, ...layout.leaves]),
        0,
      );
      await copyTileData(
        spool,
        collected,
        plan.contentWriteOrder,
        output,
        header.tileDataOffset,
        options.signal,
      );
      await output.sync();
    } finally {
      await output.close();
    }
    options.onProgress?.(collected.tileCount);
    const { size } = await stat(outputPath);
    return {
      path: outputPath,
      bytes: size,
      tileCount: collected.tileCount,
      uniqueTileCount: collected.contentCount,
      tileEntries: plan.entries.count,
      leafDirectories: layout.leaves.length,
      header,
    };
  } catch (error: unknown) {
    await removeQuietly(outputPath);
    throw error;
  } finally {
    await spool?.dispose();
  }
}

function buildHeader(
  metadata: TilesetMetadata,
  plan: TileDataPlan,
  layout: DirectoryLayout,
  metadataLength: number,
  contentCount: number,
): PmtilesHeader {
  const rootDirectoryOffset = PMTILES_HEADER_BYTES;
  const metadataOffset = rootDirectoryOffset + layout.root.length;
  const leafDirectoriesOffset = metadataOffset + metadataLength;
  const tileDataOffset = leafDirectoriesOffset + layout.leavesLength;
  const [west, south, east, north] = metadata.bounds;
  const [centerLongitude, centerLatitude, centerZoom] = metadata.center;
  return {
    rootDirectoryOffset,
    rootDirectoryLength: layout.root.length,
    metadataOffset,
    metadataLength,
    leafDirectoriesOffset,
    leafDirectoriesLength: layout.leavesLength,
    tileDataOffset,
    tileDataLength: plan.tileDataLength,
    addressedTiles: plan.addressedTiles,
    tileEntries: plan.entries.count,
    tileContents: contentCount,
    clustered: true,
    internalCompression: PmtilesCompression.Gzip,
    tileCompression: pmtilesTileCompression(metadata.format),
    tileType: PMTILES_TILE_TYPE[metadata.format],
    minZoom: metadata.minZoom,
    maxZoom: metadata.maxZoom,
    minLongitude: west,
    minLatitude: south,
    maxLongitude: east,
    maxLatitude: north,
    centerZoom,
    centerLongitude,
    centerLatitude,
  };
}
