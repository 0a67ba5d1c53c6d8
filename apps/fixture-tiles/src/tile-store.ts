import { createHash } from 'node:crypto';
import type { TileCoord } from '@map-offline/geo';
import { LruTileCache } from './lru-tile.cache';
import { RasterTileRenderer } from './raster-tile.renderer';
import { TileCoverageClassifier } from './tile-coverage.classifier';
import { TileFormat } from './tile-request.parser';
import { paletteFor, TileStyleName } from './tile-style';
import { VectorTileRenderer } from './vector-tile.renderer';

/** A tile ready to send: body, strong ETag and the response headers, built once. */
export interface TileEntry {
  body: Buffer;
  etag: string;
  /** flat [name, value, name, value, ...] for writeHead: no per-request header object */
  headers: string[];
  notModifiedHeaders: string[];
}

export interface TileWanted {
  style: TileStyleName;
  format: TileFormat;
  tile: TileCoord;
  /** '' for the base rendering, otherwise the version set by changeTiles */
  version: string;
}

export const CONTENT_TYPES: Record<TileFormat, string> = {
  png: 'image/png',
  // The body is gzip bytes and Content-Encoding is NOT set, as many tile stores serve stored tiles.
  mvt: 'application/vnd.mapbox-vector-tile',
};

// Bytes charged per cache entry on top of its body (key, entry object, header strings).
const ENTRY_OVERHEAD_BYTES = 512;

/** Renders tiles on demand, once: a bounded in-memory cache plus one shared entry per uniform tile kind. */
export class TileStore {
  rendered = 0;
  private readonly inFlight = new Map<string, Promise<TileEntry>>();
  private readonly uniform = new Map<string, Promise<TileEntry>>();

  constructor(
    private readonly classifier: TileCoverageClassifier,
    private readonly raster: RasterTileRenderer,
    private readonly vector: VectorTileRenderer,
    private readonly cache: LruTileCache<TileEntry>,
    private readonly cacheControl: string,
  ) {}

  /** Vector tiles are the same for every style, so they share one cache key. */
  keyOf(wanted: TileWanted): string {
    const { tile } = wanted;
    const style = wanted.format === 'mvt' ? '' : wanted.style;
    return `${wanted.format}/${style}/${tile.z}/${tile.x}/${tile.y}/${wanted.version}`;
  }

  /** The cached entry, if any: synchronous so that a cache hit costs no promise. */
  cached(key: string): TileEntry | undefined {
    return this.cache.get(key);
  }

  load(key: string, wanted: TileWanted): Promise<TileEntry> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const loading = this.produce(wanted)
      .then((entry) => {
        this.cache.set(key, entry, entry.body.length + ENTRY_OVERHEAD_BYTES);
        return entry;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, loading);
    return loading;
  }

  get cacheEntries(): number {
    return this.cache.size;
  }

  get cacheBytes(): number {
    return this.cache.bytes;
  }

  private async produce(wanted: TileWanted): Promise<TileEntry> {
    const coverage = this.classifier.classify(wanted.tile);
    if (wanted.format === 'mvt') {
      if (coverage === 'sea' && wanted.version === '')
        return this.uniformEntry('mvt', () => this.vector.renderEmpty());
      this.rendered += 1;
      return this.entryOf(this.vector.render(wanted.tile, wanted.version), 'mvt');
    }
    const palette = paletteFor(wanted.style, wanted.version);
    if (coverage !== 'mixed') {
      return this.uniformEntry(`png/${coverage}/${palette.sea}/${palette.land}`, () =>
        this.raster.renderUniform(palette, coverage),
      );
    }
    this.rendered += 1;
    return this.entryOf(await this.raster.renderMixed(wanted.tile, palette), 'png');
  }

  private uniformEntry(kind: string, render: () => Buffer | Promise<Buffer>): Promise<TileEntry> {
    let entry = this.uniform.get(kind);
    if (!entry) {
      const format: TileFormat = kind.startsWith('mvt') ? 'mvt' : 'png';
      entry = Promise.resolve(render()).then((body) => this.entryOf(body, format));
      // A failed render must not be remembered; the next request tries again.
      entry.catch(() => this.uniform.delete(kind));
      this.uniform.set(kind, entry);
    }
    return entry;
  }

  private entryOf(body: Buffer, format: TileFormat): TileEntry {
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    return {
      body,
      etag,
      headers: [
        'Content-Type',
        CONTENT_TYPES[format],
        'Content-Length',
        String(body.length),
        'ETag',
        etag,
        'Cache-Control',
        this.cacheControl,
        'Access-Control-Allow-Origin',
        '*',
      ],
      notModifiedHeaders: ['ETag', etag, 'Cache-Control', this.cacheControl],
    };
  }
}
