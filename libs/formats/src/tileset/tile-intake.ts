import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { isValidTile, type TileCoord } from '@map-offline/geo';
import { FormatError, FormatErrorCode } from '../format-error';
import type { PackageTile } from './package-tile';
import { isGzip, matchesTileFormat } from './tile-signature';
import type { TilesetMetadata } from './tileset-metadata';

export interface TileIntakeOptions {
  /** Re-hash every tile and compare with `sha256` (default true): a wrong hash would merge different tiles. */
  verifyHashes?: boolean;
  /** Check each tile's magic number against the tileset format (default true). */
  checkSignatures?: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The checks both tileset writers apply to every tile, and the one transformation: MVT tiles are stored
 * gzip-compressed (MBTiles 1.3 defines `pbf` as gzip-compressed MVT; PMTiles then declares tile compression
 * gzip), so a raw MVT tile is gzipped here. zlib output is deterministic for the same input and level, so
 * equal inputs still give equal stored bytes and de-duplication by the input hash stays correct.
 */
export class TileIntake {
  private readonly verifyHashes: boolean;
  private readonly checkSignatures: boolean;
  private lowestZoom = Number.POSITIVE_INFINITY;
  private highestZoom = Number.NEGATIVE_INFINITY;
  tileCount = 0;

  constructor(
    private readonly metadata: TilesetMetadata,
    options: TileIntakeOptions = {},
  ) {
    this.verifyHashes = options.verifyHashes ?? true;
    this.checkSignatures = options.checkSignatures ?? true;
  }

  /** Validates one tile and returns the bytes to store. */
  accept(packageTile: PackageTile): Buffer {
    const { tile, sha256, bytes } = packageTile;
    const label = describeTile(tile);
    if (!isValidTile(tile))
      throw new FormatError(FormatErrorCode.INVALID_TILE, `tile ${label} is not a valid XYZ tile`);
    if (tile.z < this.metadata.minZoom || tile.z > this.metadata.maxZoom) {
      throw new FormatError(
        FormatErrorCode.ZOOM_RANGE_MISMATCH,
        `tile ${label} is outside the declared zooms ${this.metadata.minZoom}..${this.metadata.maxZoom}`,
      );
    }
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
      throw new FormatError(
        FormatErrorCode.INVALID_TILE,
        `tile ${label} sha256 must be 64 lowercase hex characters`,
      );
    }
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
      // PMTiles forbids zero-length entries; an empty body is a missing tile, which the package leaves out.
      throw new FormatError(FormatErrorCode.INVALID_TILE, `tile ${label} has no bytes`);
    }
    if (this.verifyHashes && createHash('sha256').update(bytes).digest('hex') !== sha256) {
      throw new FormatError(
        FormatErrorCode.TILE_HASH_MISMATCH,
        `tile ${label} bytes do not match its sha256`,
      );
    }
    if (this.checkSignatures && !matchesTileFormat(bytes, this.metadata.format)) {
      throw new FormatError(
        FormatErrorCode.INVALID_TILE,
        `tile ${label} is not a ${this.metadata.format} tile`,
      );
    }
    this.lowestZoom = Math.min(this.lowestZoom, tile.z);
    this.highestZoom = Math.max(this.highestZoom, tile.z);
    this.tileCount += 1;
    if (this.metadata.format === 'mvt' && !isGzip(bytes)) return gzipSync(bytes);
    return bytes;
  }

  /** After the last tile: the declared zoom range must be exactly the range of the tiles. */
  assertComplete(): void {
    if (this.tileCount === 0)
      throw new FormatError(FormatErrorCode.EMPTY_TILESET, 'the tileset has no tiles');
    const problems: string[] = [];
    if (this.lowestZoom !== this.metadata.minZoom) {
      problems.push(
        `metadata.minZoom is ${this.metadata.minZoom} but the lowest tile zoom is ${this.lowestZoom}`,
      );
    }
    if (this.highestZoom !== this.metadata.maxZoom) {
      problems.push(
        `metadata.maxZoom is ${this.metadata.maxZoom} but the highest tile zoom is ${this.highestZoom}`,
      );
    }
    if (problems.length > 0)
      throw new FormatError(FormatErrorCode.ZOOM_RANGE_MISMATCH, problems.join('; '), problems);
  }
}

export function describeTile(tile: TileCoord): string {
  return `${String(tile?.z)}/${String(tile?.x)}/${String(tile?.y)}`;
}
