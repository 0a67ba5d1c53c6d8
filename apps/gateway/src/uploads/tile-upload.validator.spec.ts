import { DomainError, DomainErrorCode } from '@map-offline/contracts';
import { GeoValidationError } from '@map-offline/geo';
import { TileUploadInput } from './tile-upload.input';
import { TILE_UPLOAD_LIMITS } from './tile-upload.limits';
import { validateExpiry, validateTileUploads } from './tile-upload.validator';

const TARGET = { minZoom: 4, maxZoom: 8, mediaTypes: ['image/png', 'image/webp'] };
const GOOD: TileUploadInput = {
  z: 6,
  x: 33,
  y: 23,
  sha256: 'ab'.repeat(32),
  size: 1_000,
  contentType: 'image/png',
};

function failure(tiles: TileUploadInput[]): { code: string; field?: string } {
  try {
    validateTileUploads(tiles, TARGET);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.details.field };
    if (error instanceof GeoValidationError) return { code: 'GEO', field: error.field };
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('validateTileUploads', () => {
  it('returns the tiles with their positions', () => {
    const second = { ...GOOD, x: 34, contentType: 'image/webp' };
    expect(validateTileUploads([GOOD, second], TARGET)).toEqual([
      { index: 0, ...GOOD },
      { index: 1, ...second },
    ]);
  });

  it.each<[string, Partial<TileUploadInput>, string, string]>([
    ['a zoom outside the region', { z: 9, x: 0, y: 0 }, DomainErrorCode.INVALID_INPUT, 'tiles[1].z'],
    ['x outside the zoom', { x: 64 }, 'GEO', 'tiles[1].x'],
    ['a negative y', { y: -1 }, 'GEO', 'tiles[1].y'],
    ['an upper-case sha256', { sha256: 'AB'.repeat(32) }, DomainErrorCode.INVALID_INPUT, 'tiles[1].sha256'],
    ['a short sha256', { sha256: 'ab' }, DomainErrorCode.INVALID_INPUT, 'tiles[1].sha256'],
    ['size 0', { size: 0 }, DomainErrorCode.LIMIT_EXCEEDED, 'tiles[1].size'],
    ['a fractional size', { size: 1.5 }, DomainErrorCode.LIMIT_EXCEEDED, 'tiles[1].size'],
    [
      'a size over the limit',
      { size: TILE_UPLOAD_LIMITS.maxTileBytes + 1 },
      DomainErrorCode.LIMIT_EXCEEDED,
      'tiles[1].size',
    ],
    [
      'a format of another source',
      { contentType: 'image/jpeg' },
      DomainErrorCode.INVALID_INPUT,
      'tiles[1].contentType',
    ],
    [
      'a content type with parameters',
      { contentType: 'image/png; q=1' },
      DomainErrorCode.INVALID_INPUT,
      'tiles[1].contentType',
    ],
    ['the same tile twice', {}, DomainErrorCode.INVALID_INPUT, 'tiles[1]'],
  ])('refuses %s, naming the field', (_case, change, code, field) => {
    expect(failure([GOOD, { ...GOOD, ...change }])).toEqual({ code, field });
  });

  it('accepts the largest allowed tile', () => {
    expect(validateTileUploads([{ ...GOOD, size: TILE_UPLOAD_LIMITS.maxTileBytes }], TARGET)).toHaveLength(1);
  });

  it('refuses an empty call and one over the per-call limit', () => {
    expect(failure([])).toEqual({ code: DomainErrorCode.INVALID_INPUT, field: 'tiles' });
    const tooMany = Array.from({ length: TILE_UPLOAD_LIMITS.maxTilesPerCall + 1 }, (_, x) => ({
      ...GOOD,
      x,
    }));
    expect(failure(tooMany)).toEqual({ code: DomainErrorCode.LIMIT_EXCEEDED, field: 'tiles' });
  });
});

describe('validateExpiry', () => {
  it('accepts the bounds and refuses past them', () => {
    expect(validateExpiry(TILE_UPLOAD_LIMITS.minExpirySeconds)).toBe(TILE_UPLOAD_LIMITS.minExpirySeconds);
    expect(validateExpiry(TILE_UPLOAD_LIMITS.maxExpirySeconds)).toBe(TILE_UPLOAD_LIMITS.maxExpirySeconds);
    for (const seconds of [0, TILE_UPLOAD_LIMITS.maxExpirySeconds + 1, 1.5]) {
      expect(() => validateExpiry(seconds)).toThrow(DomainError);
    }
  });
});
