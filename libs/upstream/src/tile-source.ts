import type { TileScheme } from '@map-offline/geo';

export type { TileScheme };

/** What the upstream serves; decides the magic-byte check and the Accept header. */
export type UpstreamTileFormat = 'png' | 'jpeg' | 'webp' | 'mvt';

export const UPSTREAM_TILE_FORMATS: readonly UpstreamTileFormat[] = ['png', 'jpeg', 'webp', 'mvt'];

/**
 * An upstream XYZ/TMS tile server, as a plain object (the seeder maps the tile_source row to it).
 * `headers` are secret (API keys): they are sent with every request to the template's own hosts and
 * never logged, put in results or in error messages.
 */
export interface UpstreamTileSource {
  id: string;
  /** Placeholders {z} {x} {y} {-y} {s} {quadkey}; see url-template.ts. */
  urlTemplate: string;
  /** With 'tms', {y} is the row counted from the south; {-y} is always the TMS row. */
  scheme: TileScheme;
  format: UpstreamTileFormat;
  /** Values for {s}; the same tile always gets the same one. */
  subdomains?: readonly string[];
  /** Requests per second across every process sharing the rate limiter; 0 or absent means unlimited. */
  maxRequestsPerSecond?: number;
  /** Requests in flight per process across all batches. */
  maxConcurrentRequests: number;
  headers?: Readonly<Record<string, string>>;
}
