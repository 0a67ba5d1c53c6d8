import { FormatError, FormatErrorCode } from '../format-error';
import { throwIfAborted } from '../tileset/abort';
import type { PackageTileSource } from '../tileset/package-tile';
import { TileIntake } from '../tileset/tile-intake';
import type { TilesetMetadata } from '../tileset/tileset-metadata';
import type { TilesetWriteOptions } from '../tileset/tileset-write-options';
import { GrowableArray } from './growable-array';
import { MAX_PMTILES_ZOOM, zxyToTileId } from './hilbert-tile-id';
import type { TileSpool } from './tile-spool';

/** What the first pass keeps in memory: 12 bytes a tile and 12 bytes (plus a map key) a distinct body. */
export interface CollectedTiles {
  tileCount: number;
  tileIds: Float64Array;
  /** Index into the content arrays for each tile. */
  contentIndexes: Uint32Array;
  contentCount: number;
  /** Where each distinct body sits in the spool file, in bytes. */
  contentSpoolOffsets: Float64Array;
  contentLengths: Uint32Array;
}

const DEFAULT_PROGRESS_INTERVAL = 10_000;

/**
 * First pass over the tiles, in whatever order they come: validate, give each a Hilbert tile id, and append
 * each distinct body to the spool once. Bodies are keyed by the first 128 bits of their SHA-256 held as a
 * 16-character string (about 40 bytes an entry in the Map instead of ~100 for the 64-character hex).
 */
export async function collectTiles(
  tiles: PackageTileSource,
  metadata: TilesetMetadata,
  spool: TileSpool,
  options: TilesetWriteOptions,
): Promise<CollectedTiles> {
  if (metadata.maxZoom > MAX_PMTILES_ZOOM) {
    throw new FormatError(
      FormatErrorCode.INVALID_METADATA,
      `metadata.maxZoom must be at most ${MAX_PMTILES_ZOOM}`,
    );
  }
  const intake = new TileIntake(metadata, options);
  const progressInterval = options.progressInterval ?? DEFAULT_PROGRESS_INTERVAL;
  const tileIds = GrowableArray.float64();
  const contentIndexes = GrowableArray.uint32();
  const contentSpoolOffsets = GrowableArray.float64();
  const contentLengths = GrowableArray.uint32();
  const contentByHash = new Map<string, number>();

  for await (const packageTile of tiles) {
    throwIfAborted(options.signal);
    const stored = intake.accept(packageTile);
    const hashKey = Buffer.from(packageTile.sha256.slice(0, 32), 'hex').toString('latin1');
    let contentIndex = contentByHash.get(hashKey);
    if (contentIndex === undefined) {
      contentIndex = contentLengths.length;
      contentByHash.set(hashKey, contentIndex);
      contentSpoolOffsets.push(await spool.append(stored));
      contentLengths.push(stored.length);
    }
    tileIds.push(zxyToTileId(packageTile.tile));
    contentIndexes.push(contentIndex);
    if (intake.tileCount % progressInterval === 0) options.onProgress?.(intake.tileCount);
  }
  throwIfAborted(options.signal);
  intake.assertComplete();
  return {
    tileCount: tileIds.length,
    tileIds: tileIds.values,
    contentIndexes: contentIndexes.values,
    contentCount: contentLengths.length,
    contentSpoolOffsets: contentSpoolOffsets.values,
    contentLengths: contentLengths.values,
  };
}
