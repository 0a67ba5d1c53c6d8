import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { latitudeToRow, longitudeToColumn, type BBox, type TileCoord } from '@map-offline/geo';
import type { PackageTile } from './package-tile';
import type { TileFormat } from './tileset-metadata';

export interface SyntheticTilesOptions {
  format: TileFormat;
  minZoom: number;
  maxZoom: number;
  /** Area to cover (default: the whole Mercator world). */
  bounds?: BBox;
  /** Bytes of each distinct ("land") body, signature included; default 64. */
  bodyBytes?: number;
}

/** The body every "sea" tile shares, per format. */
const seaBodies = new Map<TileFormat, Buffer>();

/**
 * Deterministic stand-in tiles for tests, benchmarks and demos: every tile covering `bounds` at each zoom,
 * zoom by zoom, column by column. Tiles in 4x4 blocks where ((x >> 2) + (y >> 2) + z) % 3 === 0 are "sea" and
 * share one body (so de-duplication and run lengths have work to do: a 4x4 aligned block is 16 consecutive
 * Hilbert ids); all others ("land") get a unique body. Bodies start with the format's magic number; MVT
 * bodies are gzipped so writers store them unchanged. They are not decodable images.
 */
export function* syntheticPackageTiles(options: SyntheticTilesOptions): Generator<PackageTile> {
  const [west, south, east, north] = options.bounds ?? [-180, -85.0511287798066, 180, 85.0511287798066];
  for (let z = options.minZoom; z <= options.maxZoom; z += 1) {
    const minX = longitudeToColumn(west, z);
    const maxX = longitudeToColumn(east, z);
    const minY = latitudeToRow(north, z);
    const maxY = latitudeToRow(south, z);
    for (let x = minX; x <= maxX; x += 1) {
      for (let y = minY; y <= maxY; y += 1) {
        const tile = { z, x, y };
        const bytes = isSeaTile(tile)
          ? seaBody(options.format)
          : landBody(tile, options.format, options.bodyBytes ?? 64);
        yield { tile, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
      }
    }
  }
}

export function isSeaTile(tile: TileCoord): boolean {
  return ((tile.x >> 2) + (tile.y >> 2) + tile.z) % 3 === 0;
}

function seaBody(format: TileFormat): Buffer {
  let body = seaBodies.get(format);
  if (body === undefined) {
    body = withSignature(format, Buffer.from('sea'.repeat(20)));
    seaBodies.set(format, body);
  }
  return body;
}

function landBody(tile: TileCoord, format: TileFormat, bodyBytes: number): Buffer {
  const label = Buffer.from(`land ${tile.z}/${tile.x}/${tile.y} `);
  const payload = Buffer.alloc(Math.max(bodyBytes - 16, label.length), label);
  return withSignature(format, payload);
}

function withSignature(format: TileFormat, payload: Buffer): Buffer {
  switch (format) {
    case 'png':
      return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), payload]);
    case 'jpeg':
      return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), payload]);
    case 'webp': {
      const size = Buffer.alloc(4);
      size.writeUInt32LE(payload.length + 4);
      return Buffer.concat([Buffer.from('RIFF'), size, Buffer.from('WEBP'), payload]);
    }
    case 'mvt':
      // Field 3 (layers), wire type 2, then the payload as an opaque length-delimited blob.
      return gzipSync(
        Buffer.concat([Buffer.from([0x1a, Math.min(payload.length, 127)]), payload.subarray(0, 127)]),
      );
  }
}
