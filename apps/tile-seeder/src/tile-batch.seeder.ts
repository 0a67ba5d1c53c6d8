import { Injectable } from '@nestjs/common';
import {
  CacheRegionEntity,
  NewBlob,
  TileIndexRepository,
  TileSourceEntity,
  TileWrite,
} from '@map-offline/entities';
import { SeedBatchPayload } from '@map-offline/contracts';
import { BlobToUpload, BlobUploader } from './blob-uploader';
import { classifyBatch, tileKey } from './batch-classification';
import { CoverPlanCache } from './cover-plan.cache';
import { SeederMetrics } from './seeder.metrics';
import { TileFetcher, TileFetchResult } from './tile-fetcher.port';
import { contentTypeOf, sha256Hex, transcodeToWebp } from './tile-bytes';
import { toUpstreamSource } from './upstream-source.mapper';

export interface BatchReport {
  tiles: number;
  linked: number;
  fetched: number;
  empty: number;
  notModified: number;
  unchanged: number;
  failed: number;
  uploaded: number;
  /** tiles that still failed when more attempts remain: the caller throws so BullMQ retries */
  failuresToRetry: { tile: string; reason: string }[];
  /** blobs rewritten tiles no longer use (garbage-collection candidates, committed already) */
  replacedBlobs: string[];
  finished: boolean;
  /** wall milliseconds per step, for the debug log: where a slow batch spent its time */
  phaseMs: { lookup: number; fetch: number; hash: number; upload: number; commit: number };
}

interface PreparedTile {
  x: number;
  y: number;
  sha256: string;
  bytes: Buffer;
  contentType: string;
  result: TileFetchResult;
}

/**
 * One slice of a region's cover: classify against the index, fetch what is missing or stale, fingerprint,
 * upload blobs nobody stored yet, and commit the index in one transaction. Tiles that fail are retried by
 * BullMQ (the successes are kept); on the last attempt they are recorded as failed with their reason.
 */
@Injectable()
export class TileBatchSeeder {
  constructor(
    private readonly plans: CoverPlanCache,
    private readonly tileIndex: TileIndexRepository,
    private readonly fetcher: TileFetcher,
    private readonly uploader: BlobUploader,
    private readonly metrics: SeederMetrics,
  ) {}

  async seed(
    payload: SeedBatchPayload,
    region: CacheRegionEntity,
    source: TileSourceEntity,
    lastAttempt: boolean,
    signal?: AbortSignal,
  ): Promise<BatchReport> {
    const phases = new PhaseStopwatch();
    const tiles = [...this.plans.planFor(region).tilesAt(payload.zoom, payload.offset, payload.count)];
    const xs = tiles.map((tile) => tile.x);
    const ys = tiles.map((tile) => tile.y);
    const indexed = await this.tileIndex.findTiles(source.id, region.id, payload.zoom, xs, ys);
    const refreshOlderThan = payload.refreshOlderThan ? new Date(payload.refreshOlderThan) : undefined;
    const plan = classifyBatch(tiles, indexed, refreshOlderThan);
    const lookupMs = phases.lap();

    const results =
      plan.toFetch.length === 0
        ? []
        : await this.fetcher.fetchBatch({
            source: toUpstreamSource(source),
            tiles: plan.toFetch,
            previousEtags: plan.previousEtags,
            signal,
          });

    const fetchMs = phases.lap();
    const prepared = await this.prepare(results, source);
    const hashMs = phases.lap();
    const report = this.emptyReport(tiles.length, plan.settled.length);
    const writes: TileWrite[] = [];
    const confirmed: { x: number; y: number; etag: string | null; expiresAt: Date | null }[] = [];
    const members = [...plan.settled];

    for (const result of results) {
      const { x, y } = result.tile;
      const key = tileKey(x, y);
      if (result.outcome === 'FETCHED') {
        const tile = prepared.get(key);
        if (!tile) continue;
        if (plan.previousBlobs.get(key) === tile.sha256) {
          report.unchanged += 1;
          confirmed.push({ x, y, etag: result.etag ?? null, expiresAt: result.expiresAt ?? null });
        } else {
          report.fetched += 1;
          writes.push(this.write(x, y, 'stored', tile.sha256, result));
        }
        members.push({ x, y });
      } else if (result.outcome === 'NOT_MODIFIED') {
        report.notModified += 1;
        confirmed.push({ x, y, etag: result.etag ?? null, expiresAt: result.expiresAt ?? null });
        members.push({ x, y });
      } else if (result.outcome === 'EMPTY') {
        report.empty += 1;
        writes.push(this.write(x, y, 'empty', null, result));
        members.push({ x, y });
      } else {
        report.failed += 1;
        const reason = result.failureReason ?? 'upstream request failed';
        if (lastAttempt) {
          writes.push({ ...this.write(x, y, 'failed', null, result), failureReason: reason.slice(0, 500) });
          members.push({ x, y });
        } else {
          report.failuresToRetry.push({ tile: `${payload.zoom}/${x}/${y}`, reason });
        }
      }
    }

    const newBlobs = await this.uploadNewBlobs([...prepared.values()], report);
    const uploadMs = phases.lap();
    report.finished = report.failuresToRetry.length === 0;
    const committed = await this.tileIndex.commitBatch({
      jobRunId: payload.jobRunId,
      regionId: region.id,
      sourceId: source.id,
      zoom: payload.zoom,
      newBlobs,
      writes,
      confirmed,
      members,
      finishedBatch: report.finished ? { key: batchKey(payload), units: tiles.length } : undefined,
    });
    report.replacedBlobs = committed.replacedBlobs;
    report.phaseMs = {
      lookup: lookupMs,
      fetch: fetchMs,
      hash: hashMs,
      upload: uploadMs,
      commit: phases.lap(),
    };
    this.record(report);
    return report;
  }

  private async prepare(
    results: TileFetchResult[],
    source: TileSourceEntity,
  ): Promise<Map<string, PreparedTile>> {
    const prepared = new Map<string, PreparedTile>();
    const transcode = source.transcodeToWebp && (source.format === 'png' || source.format === 'jpeg');
    for (const result of results) {
      if (result.outcome !== 'FETCHED' || !result.bytes) continue;
      const bytes = transcode ? await transcodeToWebp(result.bytes) : result.bytes;
      const contentType = transcode ? 'image/webp' : contentTypeOf(source.format);
      this.metrics.bytesFetched.inc(result.bytes.length);
      prepared.set(tileKey(result.tile.x, result.tile.y), {
        x: result.tile.x,
        y: result.tile.y,
        sha256: sha256Hex(bytes),
        bytes,
        contentType,
        result,
      });
    }
    return prepared;
  }

  /** Uploads blobs whose rows do not exist yet; identical tiles within the batch are uploaded once. */
  private async uploadNewBlobs(tiles: PreparedTile[], report: BatchReport): Promise<NewBlob[]> {
    const unique = new Map<string, BlobToUpload>();
    for (const tile of tiles)
      unique.set(tile.sha256, { sha256: tile.sha256, bytes: tile.bytes, contentType: tile.contentType });
    const known = await this.tileIndex.findKnownBlobs([...unique.keys()]);
    const toUpload = [...unique.values()].filter((blob) => !known.has(blob.sha256));
    this.metrics.deduplicationHits.inc(tiles.length - toUpload.length);
    report.uploaded = await this.uploader.uploadAll(toUpload);
    return toUpload.map((blob) => ({
      sha256: blob.sha256,
      sizeBytes: blob.bytes.length,
      contentType: blob.contentType,
    }));
  }

  private write(
    x: number,
    y: number,
    status: TileWrite['status'],
    blobSha256: string | null,
    result: TileFetchResult,
  ): TileWrite {
    return {
      x,
      y,
      status,
      blobSha256,
      etag: result.etag ?? null,
      expiresAt: result.expiresAt ?? null,
      failureReason: null,
    };
  }

  private emptyReport(tiles: number, linked: number): BatchReport {
    return {
      tiles,
      linked,
      fetched: 0,
      empty: 0,
      notModified: 0,
      unchanged: 0,
      failed: 0,
      uploaded: 0,
      failuresToRetry: [],
      replacedBlobs: [],
      finished: false,
      phaseMs: { lookup: 0, fetch: 0, hash: 0, upload: 0, commit: 0 },
    };
  }

  private record(report: BatchReport): void {
    this.metrics.tilesFetched.inc({ outcome: 'linked' }, report.linked);
    this.metrics.tilesFetched.inc({ outcome: 'fetched' }, report.fetched + report.unchanged);
    this.metrics.tilesFetched.inc({ outcome: 'empty' }, report.empty);
    this.metrics.tilesFetched.inc({ outcome: 'not_modified' }, report.notModified);
    this.metrics.tilesFetched.inc({ outcome: 'failed' }, report.failed);
    this.metrics.blobsUploaded.inc(report.uploaded);
  }
}

/** Wall time between successive laps, whole milliseconds. */
class PhaseStopwatch {
  private last = performance.now();

  lap(): number {
    const now = performance.now();
    const elapsed = Math.round(now - this.last);
    this.last = now;
    return elapsed;
  }
}

/** Stable name of a batch within its job: zoom and offset in the cover stream. */
export function batchKey(payload: Pick<SeedBatchPayload, 'zoom' | 'offset'>): string {
  return `z${payload.zoom}-${payload.offset}`;
}
