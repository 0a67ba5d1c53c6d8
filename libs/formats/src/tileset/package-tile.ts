import type { TileCoord } from '@map-offline/geo';

/**
 * One tile on its way into a package. `tile` is XYZ (y grows southwards, as in tile URLs); each writer
 * converts at its own edge (MBTiles flips to TMS rows, PMTiles maps to Hilbert tile ids).
 * `sha256` is the lowercase hex SHA-256 of `bytes` as stored by the tile cache: writers use it to
 * de-duplicate identical tiles (open sea, blank land) and, by default, re-check it.
 */
export interface PackageTile {
  tile: TileCoord;
  sha256: string;
  bytes: Buffer;
}

/** Tiles arrive from any async source (object storage, a database cursor, a generator in tests). */
export type PackageTileSource = AsyncIterable<PackageTile> | Iterable<PackageTile>;
