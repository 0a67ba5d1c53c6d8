import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { packageBuildRequestSchema, packageFileSlug, type PackageBuildRequest } from '@map-offline/contracts';
import type { BuiltPackage, OfflinePackageEntity, OfflinePackageLayerError } from '@map-offline/entities';
import {
  FormatError,
  layersFileSchema,
  packageManifestSchema,
  writeCyberTrackerPackage,
  type LayerEntryInput,
  type PackageFile,
} from '@map-offline/formats';
import { AppLogger } from '@map-offline/observability';
import { APP_LOGGER } from '@map-offline/runtime';
import { ObjectStorage } from '@map-offline/storage';
import { AreaClipper } from '../layers/area-clipper.port';
import { prepareLayers } from '../layers/layer-preparation';
import { SyncLayerSource } from '../layers/sync-layer.source';
import { verifyCyberTrackerZip } from '../verify/cybertracker-zip.verifier';
import type { BuildProgressReport } from './build-progress.reporter';
import { fileDigest } from './file-digest';
import { PermanentBuildError } from './package-build.errors';
import { PackageTilesetSource, type PackageTileset } from './package-tileset.source';
import { PACKAGE_CONTENT_TYPES, packageObjectKey, uploadPackageFile } from './package-upload';
import { createTemporaryWorkspace } from './temporary-workspace';
import { buildTileset } from './tileset.builder';

export interface BuildContext {
  signal: AbortSignal;
  report: BuildProgressReport;
  logger: AppLogger;
}

/** A file written and verified on local disk, before upload. */
interface LocalPackageFile {
  path: string;
  tileset?: { tileCount: number; uniqueTileCount: number; metadata: PackageTileset['metadata'] };
  layerErrors: OfflinePackageLayerError[];
}

/**
 * Builds one package end to end in a temporary directory: pin and stream the tiles into the file, read
 * every tile back, add the layers of a zip, hash, upload, check the stored object. The directory is
 * removed whatever happens; an upload that fails leaves no object.
 */
@Injectable()
export class PackageBuilder {
  constructor(
    private readonly tilesets: PackageTilesetSource,
    private readonly clipper: AreaClipper,
    private readonly syncLayers: SyncLayerSource,
    private readonly storage: ObjectStorage,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** The object key a package's file goes to (deterministic, so a failed build can delete it). */
  objectKeyOf(pkg: OfflinePackageEntity): string {
    return packageObjectKey(pkg.organisationId, pkg.id, pkg.fileName);
  }

  async build(pkg: OfflinePackageEntity, context: BuildContext): Promise<BuiltPackage> {
    const parsed = packageBuildRequestSchema.safeParse(pkg.request);
    if (!parsed.success)
      throw new PermanentBuildError(`the stored build request is invalid: ${parsed.error.message}`);
    const workspace = await createTemporaryWorkspace(pkg.id);
    try {
      const local =
        pkg.format === 'cybertracker-zip'
          ? await this.writeZip(pkg, parsed.data, workspace.path, context)
          : await this.writeTilesetFile(pkg, pkg.format, workspace.path, context);
      context.signal.throwIfAborted();
      await context.report({ phase: 'uploading' }, true);
      const digest = await fileDigest(local.path);
      const objectKey = this.objectKeyOf(pkg);
      await uploadPackageFile(this.storage, this.logger, {
        path: local.path,
        key: objectKey,
        contentType: PACKAGE_CONTENT_TYPES[pkg.format],
        sha256: digest.sha256,
        bytes: digest.bytes,
      });
      const metadata = local.tileset?.metadata;
      return {
        objectKey,
        sizeBytes: digest.bytes,
        sha256: digest.sha256,
        tileCount: local.tileset?.tileCount ?? 0,
        uniqueTileCount: local.tileset?.uniqueTileCount ?? 0,
        tileFormat: metadata?.format ?? null,
        minZoom: metadata?.minZoom ?? null,
        maxZoom: metadata?.maxZoom ?? null,
        bounds: metadata ? [...metadata.bounds] : null,
        layerErrors: local.layerErrors,
      };
    } finally {
      await workspace.remove();
    }
  }

  private async writeTilesetFile(
    pkg: OfflinePackageEntity,
    container: 'mbtiles' | 'pmtiles',
    workspace: string,
    context: BuildContext,
    fileName = pkg.fileName,
  ): Promise<LocalPackageFile> {
    await context.report({ phase: 'pinning' }, true);
    const tileset = await this.tilesets.prepare(pkg);
    // Written and read back: two units a tile, and one for the upload.
    const totalUnits = tileset.summary.tiles * 2 + 1;
    const path = join(workspace, fileName);
    const result = await buildTileset({
      container,
      outputPath: path,
      workspace,
      metadata: tileset.metadata,
      tiles: tileset.tiles(context.signal),
      expected: tileset.expected,
      signal: context.signal,
      onWritten: (tiles) => void context.report({ phase: 'writing', totalUnits, doneUnits: tiles }),
      onVerified: (tiles) =>
        void context.report({ phase: 'verifying', totalUnits, doneUnits: tileset.summary.tiles + tiles }),
    });
    context.logger.info(
      { tiles: result.tileCount, uniqueTiles: result.uniqueTileCount, bytes: result.bytes, container },
      'tileset written and verified',
    );
    return {
      path,
      tileset: {
        tileCount: result.tileCount,
        uniqueTileCount: result.uniqueTileCount,
        metadata: tileset.metadata,
      },
      layerErrors: [],
    };
  }

  /**
   * A CyberTracker/SMART zip: the basemap MBTiles (verified tile by tile before zipping), then the GeoJSON
   * and lookup layers. A layer that fails is left out and reported with continueOnErrors; otherwise the
   * build fails with every layer's error. The zip itself is checked from its own bytes afterwards.
   */
  private async writeZip(
    pkg: OfflinePackageEntity,
    request: PackageBuildRequest,
    workspace: string,
    context: BuildContext,
  ): Promise<LocalPackageFile> {
    const errors: OfflinePackageLayerError[] = [];
    const files: PackageFile[] = [];
    const entries: LayerEntryInput[] = [];
    const basemapName = `${packageFileSlug(pkg.name, 'basemap')}.mbtiles`;
    let basemap: (LocalPackageFile & { sha256: string; bytes: number }) | undefined;
    if (request.includeBasemap) {
      try {
        const written = await this.writeTilesetFile(pkg, 'mbtiles', workspace, context, basemapName);
        basemap = { ...written, ...(await fileDigest(written.path)) };
        files.push({ kind: 'disk', filename: basemapName, path: written.path });
        entries.push({ filename: basemapName, name: pkg.name, active: true, opacity: 1 });
      } catch (error) {
        // Only the basemap's own faults (no tiles, bad tiles) become a layer error; outages are retried.
        if (
          !(error instanceof PermanentBuildError || error instanceof FormatError) ||
          context.signal.aborted
        ) {
          throw error;
        }
        errors.push({ layer: 'basemap', kind: 'basemap', message: error.message });
      }
    }
    await context.report({ phase: 'layers' }, true);
    const prepared = await prepareLayers(request.layers, request.lookups, {
      organisationId: pkg.organisationId,
      clipper: this.clipper,
      regionIds: pkg.regionIds,
      syncLayers: this.syncLayers,
      takenNames: basemap ? [basemapName] : [],
    });
    files.push(...prepared.files);
    entries.push(...prepared.entries);
    errors.push(...prepared.errors);
    if (errors.length > 0 && !request.continueOnErrors) {
      throw new PermanentBuildError(
        `${errors.length} layer(s) failed: ${errors.map((error) => `${error.layer}: ${error.message}`).join('; ')}`,
        errors,
      );
    }
    if (entries.length === 0)
      throw new PermanentBuildError('nothing to package: no basemap and no layer', errors);

    const manifest = {
      id: pkg.packageIdentifier,
      name: pkg.name,
      version: pkg.version,
      ...(pkg.language !== null ? { language: pkg.language } : {}),
    };
    const path = join(workspace, pkg.fileName);
    const zip = await writeCyberTrackerPackage(
      path,
      { manifest, layers: entries, files },
      { modifiedAt: pkg.createdAt },
    );
    await verifyCyberTrackerZip(path, {
      manifest: asJson(packageManifestSchema.parse(manifest)),
      layers: asJson(layersFileSchema.parse(entries)),
      entries: zip.entries,
      basemap: basemap && { entryName: basemapName, sha256: basemap.sha256, bytes: basemap.bytes },
    });
    context.logger.info(
      {
        entries: zip.entries,
        warnings: zip.warnings,
        layerErrors: errors.length,
        features: prepared.featureCounts,
      },
      'zip written and verified',
    );
    return { path, tileset: basemap?.tileset, layerErrors: errors };
  }
}

/** The value as JSON gives it back: what a reader of the zip's JSON entries sees. */
function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
