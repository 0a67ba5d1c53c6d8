import { createHash } from 'node:crypto';
import { FormatErrorCode } from '../format-error';
import { TileIntake } from './tile-intake';
import { parseTilesetMetadata } from './tileset-metadata';

describe('parseTilesetMetadata', () => {
  it('fills defaults: baselayer, version 1, centre of the bounds at minZoom', () => {
    expect(
      parseTilesetMetadata({ name: 'A', format: 'png', bounds: [0, 10, 20, 30], minZoom: 3, maxZoom: 9 }),
    ).toEqual({
      name: 'A',
      format: 'png',
      bounds: [0, 10, 20, 30],
      center: [10, 20, 3],
      minZoom: 3,
      maxZoom: 9,
      type: 'baselayer',
      version: 1,
    });
  });

  it('names every broken field', () => {
    const attempt = (): unknown =>
      parseTilesetMetadata({
        name: 'A',
        format: 'mvt',
        bounds: [0, 10, 20, 30],
        center: [50, 20, 12],
        minZoom: 3,
        maxZoom: 9,
      });
    expect(attempt).toThrow(
      expect.objectContaining({
        code: FormatErrorCode.INVALID_METADATA,
        problems: [
          'metadata.center must lie inside bounds',
          'metadata.center[2] must be within minZoom..maxZoom',
          'metadata.vectorLayers is required for mvt tilesets',
        ],
      }),
    );
    expect(() =>
      parseTilesetMetadata({ name: 'A', format: 'png', bounds: [0, 10, 20, 30], minZoom: 3, maxZoom: 25 }),
    ).toThrow('metadata.maxZoom must be at most 24');
  });
});

describe('TileIntake', () => {
  const metadata = parseTilesetMetadata({
    name: 'A',
    format: 'png',
    bounds: [-180, -85, 180, 85],
    minZoom: 0,
    maxZoom: 2,
  });
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const sha256 = createHash('sha256').update(png).digest('hex');

  it('rejects invalid coordinates, hashes and bodies with the tile named', () => {
    const intake = new TileIntake(metadata);
    expect(() => intake.accept({ tile: { z: 1, x: 2, y: 0 }, sha256, bytes: png })).toThrow(
      'tile 1/2/0 is not a valid XYZ tile',
    );
    expect(() => intake.accept({ tile: { z: 3, x: 0, y: 0 }, sha256, bytes: png })).toThrow(
      'outside the declared zooms 0..2',
    );
    expect(() =>
      intake.accept({ tile: { z: 0, x: 0, y: 0 }, sha256: sha256.toUpperCase(), bytes: png }),
    ).toThrow('64 lowercase hex');
    expect(() => intake.accept({ tile: { z: 0, x: 0, y: 0 }, sha256, bytes: Buffer.alloc(0) })).toThrow(
      'has no bytes',
    );
    expect(intake.accept({ tile: { z: 0, x: 0, y: 0 }, sha256, bytes: png })).toBe(png);
  });

  it('can skip the hash and signature checks for trusted, pre-verified input', () => {
    const intake = new TileIntake(metadata, { verifyHashes: false, checkSignatures: false });
    const body = Buffer.from('anything');
    expect(intake.accept({ tile: { z: 0, x: 0, y: 0 }, sha256, bytes: body })).toBe(body);
  });

  it('requires tiles at both declared end zooms', () => {
    const intake = new TileIntake(metadata);
    intake.accept({ tile: { z: 1, x: 0, y: 0 }, sha256, bytes: png });
    expect(() => intake.assertComplete()).toThrow(
      expect.objectContaining({
        code: FormatErrorCode.ZOOM_RANGE_MISMATCH,
        problems: [
          'metadata.minZoom is 0 but the lowest tile zoom is 1',
          'metadata.maxZoom is 2 but the highest tile zoom is 1',
        ],
      }),
    );
  });
});
