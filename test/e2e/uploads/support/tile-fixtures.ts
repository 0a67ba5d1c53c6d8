import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { TileCoord } from '@map-offline/geo';
import { TileUploadVariables } from './upload-api';

/** A real 64 x 64 PNG in a colour of its own per seed, so every call gives other bytes. */
export async function pngTile(seed: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 64,
      height: 64,
      channels: 3,
      background: { r: seed % 256, g: Math.floor(seed / 256) % 256, b: 200 - (seed % 100) },
    },
  })
    .png()
    .toBuffer();
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a client declares for these bytes at this tile. */
export function uploadOf(tile: TileCoord, bytes: Buffer, contentType = 'image/png'): TileUploadVariables {
  return { z: tile.z, x: tile.x, y: tile.y, sha256: sha256Of(bytes), size: bytes.length, contentType };
}
