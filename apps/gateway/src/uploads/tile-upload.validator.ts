import { DomainError, DomainErrorCode, invalidInput } from '@map-offline/contracts';
import { assertTile } from '@map-offline/geo';
import { isSha256Hex } from '@map-offline/storage';
import { TileUploadCandidate, tileLabel } from './tile-upload-candidate';
import { TileUploadInput } from './tile-upload.input';
import { TILE_UPLOAD_LIMITS } from './tile-upload.limits';

export interface UploadTarget {
  minZoom: number;
  maxZoom: number;
  /** media types the region's source stores */
  mediaTypes: readonly string[];
}

/**
 * Checks every tile of a call before anything is indexed or signed; the first problem fails the whole
 * call with its field named (`tiles[3].sha256`). The cover check comes after (it needs the region's plan).
 */
export function validateTileUploads(tiles: TileUploadInput[], target: UploadTarget): TileUploadCandidate[] {
  const { maxTilesPerCall } = TILE_UPLOAD_LIMITS;
  if (tiles.length === 0) throw invalidInput('tiles', 'give at least one tile');
  if (tiles.length > maxTilesPerCall) {
    throw new DomainError(
      DomainErrorCode.LIMIT_EXCEEDED,
      `tiles: at most ${maxTilesPerCall} tiles per call, got ${tiles.length}`,
      { field: 'tiles', limit: maxTilesPerCall },
    );
  }
  const seen = new Map<string, number>();
  return tiles.map((tile, index) => {
    const field = `tiles[${index}]`;
    const candidate = validateTile(tile, index, field, target);
    const label = tileLabel(candidate);
    const earlier = seen.get(label);
    if (earlier !== undefined) throw invalidInput(field, `tile ${label} is also tiles[${earlier}]`);
    seen.set(label, index);
    return candidate;
  });
}

function validateTile(
  tile: TileUploadInput,
  index: number,
  field: string,
  target: UploadTarget,
): TileUploadCandidate {
  assertTile({ z: tile.z, x: tile.x, y: tile.y }, field);
  if (tile.z < target.minZoom || tile.z > target.maxZoom) {
    throw invalidInput(`${field}.z`, `must be one of the region's zooms ${target.minZoom}-${target.maxZoom}`);
  }
  if (!isSha256Hex(tile.sha256)) {
    throw invalidInput(`${field}.sha256`, 'must be 64 lower-case hexadecimal characters');
  }
  const { maxTileBytes } = TILE_UPLOAD_LIMITS;
  if (!Number.isSafeInteger(tile.size) || tile.size < 1 || tile.size > maxTileBytes) {
    throw new DomainError(
      DomainErrorCode.LIMIT_EXCEEDED,
      `${field}.size: must be 1 to ${maxTileBytes} bytes, got ${tile.size}`,
      { field: `${field}.size`, limit: maxTileBytes },
    );
  }
  if (!target.mediaTypes.includes(tile.contentType)) {
    throw invalidInput(
      `${field}.contentType`,
      `must be ${target.mediaTypes.join(' or ')} for this region's source`,
    );
  }
  return {
    index,
    z: tile.z,
    x: tile.x,
    y: tile.y,
    sha256: tile.sha256,
    size: tile.size,
    contentType: tile.contentType,
  };
}

export function validateExpiry(expiresInSeconds: number): number {
  const { minExpirySeconds, maxExpirySeconds } = TILE_UPLOAD_LIMITS;
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < minExpirySeconds ||
    expiresInSeconds > maxExpirySeconds
  ) {
    throw invalidInput('expiresInSeconds', `must be ${minExpirySeconds} to ${maxExpirySeconds} seconds`);
  }
  return expiresInSeconds;
}
