import { isValidTile, TileCoord, tilesPerSide } from '@map-offline/geo';

/** Counters since start or the last reset; only tile paths count (not the /__ control routes). */
export interface FixtureTileStats {
  requests: number;
  /** status code -> responses, e.g. { "200": 950, "500": 50 } */
  byStatus: Record<string, number>;
  /** response body bytes sent (304 and HEAD send none) */
  bytesSent: number;
  /** tiles rendered with sharp or geojson-vt since start (cache misses that were not sea or land) */
  rendered: number;
  /** tile responses served from the in-memory cache */
  cacheHits: number;
  cacheEntries: number;
  /** bytes the cache accounts for */
  cacheBytes: number;
}

const HIGHEST_STATUS = 599;

export class RequestStats {
  requests = 0;
  bytesSent = 0;
  cacheHits = 0;
  // Indexed by status code: an array increment is cheaper than an object key on every response.
  private byStatus = new Uint32Array(HIGHEST_STATUS + 1);
  /** tileNumber -> requests */
  private byTile = new Map<number, number>();

  count(status: number, bodyBytes: number): void {
    this.requests += 1;
    this.byStatus[status] += 1;
    this.bytesSent += bodyBytes;
  }

  countTile(tile: TileCoord): void {
    const key = tileNumber(tile);
    this.byTile.set(key, (this.byTile.get(key) ?? 0) + 1);
  }

  /** Requests for one tile in any style, format or scheme. */
  tileRequests(tile: TileCoord): number {
    return isValidTile(tile) ? (this.byTile.get(tileNumber(tile)) ?? 0) : 0;
  }

  statusCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    this.byStatus.forEach((count, status) => {
      if (count > 0) counts[String(status)] = count;
    });
    return counts;
  }

  reset(): void {
    this.requests = 0;
    this.bytesSent = 0;
    this.cacheHits = 0;
    this.byStatus = new Uint32Array(HIGHEST_STATUS + 1);
    this.byTile = new Map();
  }
}

/**
 * One number per valid tile: the tiles of every lower zoom come first ((4^z - 1) / 3 of them), then rows.
 * Exact up to zoom 26 (4^26 < 2^53); a number key spares building a string on every request.
 */
function tileNumber(tile: TileCoord): number {
  const side = tilesPerSide(tile.z);
  return (side * side - 1) / 3 + tile.y * side + tile.x;
}
