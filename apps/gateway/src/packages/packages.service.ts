import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthError, AuthErrorCode, missingScopes, Principal } from '@map-offline/auth';
import { assertObjectId, DomainError, DomainErrorCode, invalidInput, notFound } from '@map-offline/contracts';
import {
  CacheRegionEntity,
  JobRunEntity,
  OfflinePackageEntity,
  OfflinePackageRepository,
} from '@map-offline/entities';
import { QueueProducer } from '@map-offline/queue';
import { CacheRegionsService } from '../caching/cache-regions.service';
import { JobLauncher } from '../jobs/job-launcher.service';
import { BuildPackageInput } from './build-package.input';
import { PackageLinks } from './package-links.service';
import { parsePackageRequest, type ParsedPackageRequest } from './package-request.parser';

/** Records packages and their build jobs, then enqueues; the packager does the work. */
@Injectable()
export class PackagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly packages: OfflinePackageRepository,
    private readonly regions: CacheRegionsService,
    private readonly launcher: JobLauncher,
    private readonly producer: QueueProducer,
  ) {}

  /**
   * Validates, records the package and its build run in one transaction, and enqueues the build. With an
   * area instead of regions a cache region is created (and queued) first; the build waits for it.
   */
  async build(principal: Principal, input: BuildPackageInput): Promise<JobRunEntity> {
    const parsed = parsePackageRequest(input, principal.organisationId, new Date());
    // Before caching an area: a request naming a layer it cannot use must leave nothing behind.
    await this.assertSyncLayersExist(principal.organisationId, parsed);
    const regionIds = parsed.area ? [await this.cacheArea(principal, parsed)] : parsed.regionIds;
    const sourceId = await this.sourceOfRegions(principal.organisationId, regionIds);
    const run = await this.dataSource.transaction(async (manager) => {
      const revision = await this.packages.nextRevision(
        manager,
        principal.organisationId,
        parsed.packageIdentifier,
      );
      const pkg = await manager.save(
        manager.create(OfflinePackageEntity, {
          organisationId: principal.organisationId,
          name: parsed.name,
          packageIdentifier: parsed.packageIdentifier,
          version: parsed.version,
          revision,
          language: parsed.language,
          format: parsed.format,
          state: 'queued',
          sourceId,
          regionIds,
          fileName: parsed.fileName,
          request: { ...parsed.request },
          downloadToken: PackageLinks.newToken(),
        }),
      );
      const saved = await this.saveRun(manager, principal, pkg.id);
      await manager.update(OfflinePackageEntity, { id: pkg.id }, { jobRunId: saved.id });
      return saved;
    });
    await this.launcher.launch(run);
    return run;
  }

  async find(organisationId: string, id: string): Promise<OfflinePackageEntity> {
    assertObjectId('offline package', id);
    const pkg = await this.packages.find(organisationId, id);
    if (!pkg) throw notFound('offline package', id);
    return pkg;
  }

  /**
   * Marks the package for deletion, stops its build, and queues the deletion (object, then pins, then the
   * record). Repeating it re-queues the deletion, which is how a deletion recorded while Redis was down
   * is started again.
   */
  async delete(organisationId: string, id: string): Promise<OfflinePackageEntity> {
    const pkg = await this.find(organisationId, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(OfflinePackageEntity, { id: pkg.id, organisationId }, { state: 'deleting' });
      if (pkg.jobRunId) {
        await manager.query(
          `UPDATE job_run SET state = 'cancelled', finished_at = now(), updated_at = now()
            WHERE id = $1 AND state IN ('queued', 'active', 'paused')`,
          [pkg.jobRunId],
        );
      }
    });
    try {
      await this.producer.enqueue(
        { name: 'delete-package', data: { organisationId, packageId: pkg.id } },
        { jobId: `delete-package_${pkg.id}` },
      );
    } catch {
      throw new DomainError(
        DomainErrorCode.UNAVAILABLE,
        'the job queue is unavailable; the package is marked for deletion: call deletePackage again later',
        { retryAfterSeconds: 5 },
      );
    }
    return this.find(organisationId, id);
  }

  /** A new link token: printed QR codes and shared applinks of the package stop working. */
  async rotateLink(organisationId: string, id: string): Promise<OfflinePackageEntity> {
    const pkg = await this.find(organisationId, id);
    if (pkg.state === 'deleting')
      throw new DomainError(DomainErrorCode.CONFLICT, `package ${id} is being deleted`);
    await this.packages.replaceDownloadToken(organisationId, id, PackageLinks.newToken());
    return this.find(organisationId, id);
  }

  /**
   * The regions must belong to the organisation, exist, not be being deleted, and share one tile source
   * (two sources would give two different tiles for one z/x/y). Returns that source.
   */
  private async sourceOfRegions(organisationId: string, regionIds: string[]): Promise<string | null> {
    if (regionIds.length === 0) return null;
    for (const id of regionIds) assertObjectId('cache region', id);
    const regions = await this.dataSource
      .getRepository(CacheRegionEntity)
      .findBy({ organisationId, id: In(regionIds) });
    const found = new Set(regions.map((region) => region.id));
    const missing = regionIds.find((id) => !found.has(id));
    if (missing) throw notFound('cache region', missing);
    const deleting = regions.find((region) => region.status === 'deleting');
    if (deleting)
      throw new DomainError(DomainErrorCode.CONFLICT, `cache region ${deleting.id} is being deleted`);
    const sources = new Set(regions.map((region) => region.sourceId));
    if (sources.size > 1)
      throw invalidInput('input.regionIds', 'the regions of one package must share one tile source');
    return regions[0].sourceId;
  }

  /** Layers taken from offline edit sync name layers of the same organisation. */
  private async assertSyncLayersExist(organisationId: string, parsed: ParsedPackageRequest): Promise<void> {
    const ids = [
      ...new Set(
        parsed.request.layers.flatMap((layer) =>
          layer.syncLayerId === undefined ? [] : [layer.syncLayerId],
        ),
      ),
    ];
    if (ids.length === 0) return;
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM layer WHERE organisation_id = $1 AND id = ANY($2::uuid[])`,
      [organisationId, ids],
    );
    const found = new Set(rows.map((row) => row.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw notFound('sync layer', missing);
  }

  /** Caching first: creating a region needs cache:write as well. Returns the new region's id. */
  private async cacheArea(principal: Principal, parsed: ParsedPackageRequest): Promise<string> {
    const area = parsed.area;
    if (!area) throw new Error('cacheArea needs an area');
    const missing = missingScopes(principal.scopes, ['cache:write']);
    if (missing.length > 0) {
      throw new AuthError(
        AuthErrorCode.INSUFFICIENT_SCOPE,
        'packaging an area caches it first, which needs cache:write',
        missing,
      );
    }
    const run = await this.regions.create(principal, {
      name: area.regionName ?? parsed.name,
      sourceId: area.sourceId,
      area: area.area,
      overrideTileLimit: false,
    });
    if (!run.subjectId) throw new Error('a cache-region run always names its region');
    return run.subjectId;
  }

  private saveRun(manager: EntityManager, principal: Principal, packageId: string): Promise<JobRunEntity> {
    return manager.save(
      manager.create(JobRunEntity, {
        organisationId: principal.organisationId,
        kind: 'build-package',
        state: 'queued',
        subjectId: packageId,
        idempotencyKey: null,
        requestedBy: principal.clientId ?? principal.subject,
        totalUnits: 0,
        progress: { doneByZoom: {} },
      }),
    );
  }
}
