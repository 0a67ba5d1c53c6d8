import type { TileCoord } from '@map-offline/geo';

/**
 * What a package file must contain: exactly `count` tiles, each holding the body whose SHA-256 `hashes`
 * returns for it (undefined: the tile must not be in the file). The packager answers from the pins in
 * PostgreSQL; tests and benchmarks from memory.
 */
export interface ExpectedTiles {
  count: number;
  hashes(tiles: readonly TileCoord[]): Promise<(string | undefined)[]>;
}

/** Why a built file was refused: a tile differs, is missing or is extra, or the file is malformed. */
export class PackageVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackageVerificationError';
  }
}

export interface VerificationOptions {
  signal?: AbortSignal;
  /** called with the number of tiles verified so far */
  onProgress?: (tilesVerified: number) => void;
  /** tiles per expected-hash lookup; default 2,000 */
  batchSize?: number;
}

export const DEFAULT_VERIFY_BATCH = 2_000;
