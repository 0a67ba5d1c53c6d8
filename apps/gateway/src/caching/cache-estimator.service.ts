import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@map-offline/config';
import { CoverPlan, planCover, TileCoord } from '@map-offline/geo';
import { TileFormat, TileSourceEntity } from '@map-offline/entities';
import { APP_CONFIG } from '@map-offline/runtime';
import { parseCacheArea } from './cache-area.parser';
import { BytesEstimateBasis, CacheEstimate, EstimateCacheInput } from './cache-estimate.model';
import { TileSourcesService } from './tile-sources.service';

/** Up to this many tiles, "already cached" is counted exactly; above, from an even sample. */
const EXACT_COUNT_LIMIT = 50_000;
const SAMPLE_SIZE = 2_000;
const LOOKUP_CHUNK = 5_000;

/** Typical tile sizes in bytes when nothing of the source is cached yet. */
const TYPICAL_TILE_BYTES: Record<TileFormat, number> = {
  png: 12_000,
  jpeg: 20_000,
  webp: 8_000,
  mvt: 25_000,
};

@Injectable()
export class CacheEstimatorService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sources: TileSourcesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async estimate(organisationId: string, input: EstimateCacheInput): Promise<CacheEstimate> {
    const source = await this.sources.find(organisationId, input.sourceId);
    const { area, minZoom, maxZoom } = parseCacheArea(input.area, source);
    const plan = planCover(area, { minZoom, maxZoom });
    const counts = plan.zoomCounts;
    const totalTiles = counts.reduce((sum, entry) => sum + entry.count, 0);
    const exact = totalTiles <= EXACT_COUNT_LIMIT;
    const cachedByZoom = exact
      ? await this.countCachedExactly(source, plan)
      : await this.sampleCached(source, plan, totalTiles);
    const sizes = await this.averageSizes(source);

    const perZoom = counts.map(({ zoom, count }) => ({
      zoom,
      tiles: count,
      alreadyCached: Math.min(count, Math.round(cachedByZoom.get(zoom) ?? 0)),
      averageTileBytes: Math.round(
        sizes.byZoom.get(zoom) ?? sizes.overall ?? TYPICAL_TILE_BYTES[source.format],
      ),
    }));
    const alreadyCached = perZoom.reduce((sum, entry) => sum + entry.alreadyCached, 0);
    return {
      minZoom,
      maxZoom,
      perZoom,
      totalTiles,
      alreadyCached,
      alreadyCachedIsEstimate: !exact,
      upstreamRequests: totalTiles - alreadyCached,
      estimatedDownloadBytes: perZoom.reduce(
        (sum, entry) => sum + (entry.tiles - entry.alreadyCached) * entry.averageTileBytes,
        0,
      ),
      estimatedTotalBytes: perZoom.reduce((sum, entry) => sum + entry.tiles * entry.averageTileBytes, 0),
      bytesEstimateBasis:
        sizes.overall === undefined ? BytesEstimateBasis.FORMAT_DEFAULT : BytesEstimateBasis.CACHED_TILES,
      exceedsLimit: totalTiles > this.config.caching.maxTilesPerJob,
      tileLimit: this.config.caching.maxTilesPerJob,
    };
  }

  private async countCachedExactly(source: TileSourceEntity, plan: CoverPlan): Promise<Map<number, number>> {
    const cached = new Map<number, number>();
    for (let zoom = plan.minZoom; zoom <= plan.maxZoom; zoom += 1) {
      let chunk: TileCoord[] = [];
      let total = 0;
      for (const tile of plan.tilesAt(zoom)) {
        chunk.push(tile);
        if (chunk.length === LOOKUP_CHUNK) {
          total += await this.countCached(source.id, zoom, chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0) total += await this.countCached(source.id, zoom, chunk);
      cached.set(zoom, total);
    }
    return cached;
  }

  /** Checks an evenly spaced sample of each zoom's cover and scales the hit rate up. */
  private async sampleCached(
    source: TileSourceEntity,
    plan: CoverPlan,
    totalTiles: number,
  ): Promise<Map<number, number>> {
    const cached = new Map<number, number>();
    for (const { zoom, count } of plan.zoomCounts) {
      if (count === 0) continue;
      const samples = Math.max(1, Math.min(count, Math.round((SAMPLE_SIZE * count) / totalTiles)));
      const step = count / samples;
      const tiles: TileCoord[] = [];
      for (let index = 0; index < samples; index += 1) {
        const [tile] = plan.tilesAt(zoom, Math.floor(index * step), 1);
        if (tile) tiles.push(tile);
      }
      const hits = await this.countCached(source.id, zoom, tiles);
      cached.set(zoom, (hits / tiles.length) * count);
    }
    return cached;
  }

  private async countCached(sourceId: string, zoom: number, tiles: TileCoord[]): Promise<number> {
    const [row]: { count: string }[] = await this.dataSource.query(
      `SELECT count(*) AS count FROM unnest($3::int[], $4::int[]) AS wanted(x, y)
         JOIN tile t ON t.source_id = $1 AND t.z = $2 AND t.x = wanted.x AND t.y = wanted.y
        WHERE t.status IN ('stored', 'empty')`,
      [sourceId, zoom, tiles.map((tile) => tile.x), tiles.map((tile) => tile.y)],
    );
    return Number(row.count);
  }

  /** Average stored bytes per zoom from up to 20,000 of the source's stored tiles, so the estimate stays fast on big caches. */
  private async averageSizes(
    source: TileSourceEntity,
  ): Promise<{ byZoom: Map<number, number>; overall?: number }> {
    const rows: { z: number; average: string; tiles: string }[] = await this.dataSource.query(
      `SELECT t.z, avg(b.size_bytes) AS average, count(*) AS tiles
         FROM (SELECT * FROM tile WHERE source_id = $1 AND status = 'stored' LIMIT 20000) t
         JOIN tile_blob b ON b.sha256 = t.blob_sha256
        GROUP BY t.z`,
      [source.id],
    );
    const byZoom = new Map(rows.map((row) => [row.z, Number(row.average)]));
    const tiles = rows.reduce((sum, row) => sum + Number(row.tiles), 0);
    const overall =
      tiles === 0
        ? undefined
        : rows.reduce((sum, row) => sum + Number(row.average) * Number(row.tiles), 0) / tiles;
    return { byZoom, overall };
  }
}
