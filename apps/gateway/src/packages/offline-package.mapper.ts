import type { OfflinePackageEntity } from '@map-offline/entities';
import { OfflinePackage, PackageFormatValue, PackageStateValue } from './offline-package.model';

/** The API's view of a package record; the download token is never part of it. */
export function toOfflinePackage(entity: OfflinePackageEntity): OfflinePackage {
  return {
    id: entity.id,
    name: entity.name,
    packageId: entity.packageIdentifier,
    version: entity.version,
    revision: entity.revision,
    language: entity.language,
    format: entity.format as PackageFormatValue,
    state: entity.state as PackageStateValue,
    sourceId: entity.sourceId,
    regionIds: entity.regionIds,
    tileFormat: entity.tileFormat,
    minZoom: entity.minZoom,
    maxZoom: entity.maxZoom,
    bounds: entity.bounds,
    tileCount: entity.tileCount,
    uniqueTileCount: entity.uniqueTileCount,
    sizeBytes: entity.sizeBytes,
    sha256: entity.sha256?.trim() ?? null,
    fileName: entity.fileName,
    errors: entity.layerErrors,
    failureReason: entity.failureReason,
    jobId: entity.jobRunId,
    createdAt: entity.createdAt,
    builtAt: entity.builtAt,
    record: entity,
  };
}
