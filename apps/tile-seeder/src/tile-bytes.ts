import { createHash } from 'node:crypto';
import sharp from 'sharp';

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Re-encodes a raster tile as WebP: usually a third smaller than PNG for map imagery. */
export async function transcodeToWebp(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).webp({ quality: 85, effort: 2 }).toBuffer();
}

const CONTENT_TYPES = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  mvt: 'application/vnd.mapbox-vector-tile',
} as const;

export function contentTypeOf(format: keyof typeof CONTENT_TYPES): string {
  return CONTENT_TYPES[format];
}
