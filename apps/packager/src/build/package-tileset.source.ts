import { Injectable } from '@nestjs/common';
import { OfflinePackageEntity, OfflinePackagePinRepository, PinnedTilesSummary } from '@map-offline/entities';
import type { PackageTile, TileFormat, TilesetMetadataInput, VectorLayer } from '@map-offline/formats';
import { MAX_LATITUDE } from '@map-offline/geo';
import { ObjectStorage } from '@map-offline/storage';
import { BlobCache } from '../tiles/blob-cache';
import { packageTileStream } from '../tiles/package-tile.stream';
import { pagedListing } from '../tiles/paged-listing';
import { TileBodies } from '../tiles/tile-bodies';
import { VectorLayerScanner } from '../tileset/vector-layer.scanner';
import type { ExpectedTiles } from '../verify/expected-tiles';
import { PermanentBuildError } from './package-build.errors';
import { PackageRecords } from './package-records';

/** Pinned tiles read per database round trip. */
const PAGE_SIZE = 2_000;
/** Object reads in flight: enough to hide S3 latency, few enough to keep memory small. */
const READ_CONCURRENCY = 32;
/** bytes of repeated tile bodies kept in memory (sea, blank land) */
const BODY_CACHE_BYTES = 32 * 1024 * 1024;
/** bodies above this many bytes are not cached: big tiles rarely repeat */
const BODY_CACHE_MAX_ENTRY_BYTES = 64 * 1024;
/** MVT tiles read per zoom level to find the vector layers */
const VECTOR_LAYER_SAMPLE_PER_ZOOM = 64;

/** The tiles of a package, ready to stream into a writer and to check the written file against. */
export interface PackageTileset {
  metadata: TilesetMetadataInput & { format: TileFormat };
  summary: PinnedTilesSummary;
  expected: ExpectedTiles;
  /** a fresh stream of every tile with its body; call once per file written */
  tiles(signal: AbortSignal): AsyncIterable<PackageTile>;
}

/**
 * Pins the tiles of a package's regions and describes them as a tileset: one source, one tile format,
 * zooms and counts from the pins, bounds from the regions' areas, vector layers sampled for MVT.
 */
@Injectable()
export class PackageTilesetSource {
  constructor(
    private readonly pins: OfflinePackagePinRepository,
    private readonly records: PackageRecords,
    private readonly storage: ObjectStorage,
  ) {}

  async prepare(pkg: OfflinePackageEntity): Promise<PackageTileset> {
    const sourceId = pkg.sourceId;
    if (sourceId === null || pkg.regionIds.length === 0) {
      throw new PermanentBuildError('the package names no cache regions, so it has no tiles');
    }
    const source = await this.records.findSource(pkg.organisationId, sourceId);
    if (!source) throw new PermanentBuildError(`tile source ${sourceId} of the package no longer exists`);
    await this.pins.pinRegionTiles(pkg.id, sourceId, pkg.regionIds);
    const summary = await this.pins.summarise(pkg.id, sourceId);
    if (summary.tiles === 0 || summary.minZoom === null || summary.maxZoom === null) {
      throw new PermanentBuildError('the regions of the package hold no cached tiles');
    }
    const format: TileFormat = source.transcodeToWebp && source.format !== 'mvt' ? 'webp' : source.format;
    const bounds = (await this.records.regionsExtent(pkg.regionIds)) ?? [
      -180,
      -MAX_LATITUDE,
      180,
      MAX_LATITUDE,
    ];
    const bodies = this.bodies();
    const vectorLayers =
      format === 'mvt' ? await this.scanVectorLayers(pkg.id, sourceId, summary, bodies) : undefined;
    const metadata: TilesetMetadataInput & { format: TileFormat } = {
      name: pkg.name,
      format,
      bounds,
      minZoom: summary.minZoom,
      maxZoom: summary.maxZoom,
      ...(source.attribution !== '' ? { attribution: source.attribution } : {}),
      type: 'baselayer',
      version: pkg.revision,
      ...(vectorLayers ? { vectorLayers } : {}),
    };
    return {
      metadata,
      summary,
      expected: {
        count: summary.tiles,
        hashes: (tiles) => this.pins.expectedHashes(pkg.id, sourceId, tiles),
      },
      tiles: (signal) =>
        packageTileStream(
          pagedListing((after, limit) => this.pins.page(pkg.id, sourceId, after, limit), PAGE_SIZE),
          this.bodies(),
          { concurrency: READ_CONCURRENCY, signal },
        ),
    };
  }

  private bodies(): TileBodies {
    return new TileBodies(this.storage, new BlobCache(BODY_CACHE_BYTES, BODY_CACHE_MAX_ENTRY_BYTES));
  }

  /** The first tiles of every zoom: layers that only appear deeper than the sample are not listed. */
  private async scanVectorLayers(
    packageId: string,
    sourceId: string,
    summary: PinnedTilesSummary,
    bodies: TileBodies,
  ): Promise<VectorLayer[]> {
    const scanner = new VectorLayerScanner();
    for (let zoom = summary.minZoom ?? 0; zoom <= (summary.maxZoom ?? -1); zoom += 1) {
      const sample = await this.pins.page(
        packageId,
        sourceId,
        { z: zoom, x: -1, y: -1 },
        VECTOR_LAYER_SAMPLE_PER_ZOOM,
      );
      for (const tile of sample.filter((pinned) => pinned.z === zoom)) {
        try {
          scanner.add(await bodies.body(tile.sha256));
        } catch (error) {
          if (error instanceof RangeError) {
            throw new PermanentBuildError(`tile ${tile.z}/${tile.x}/${tile.y} is not a readable vector tile`);
          }
          throw error;
        }
      }
    }
    const layers = scanner.vectorLayers();
    if (layers.length === 0) throw new PermanentBuildError('the vector tiles of the package hold no layers');
    return layers;
  }
}
