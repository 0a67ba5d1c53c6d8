import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import {
  OfflinePackageEntity,
  OfflinePackageFormat,
  OfflinePackageLayerError,
  OfflinePackageState,
} from './offline-package.entity';
import type { TileFormat } from './tile-source.entity';

/** What a finished build records. */
export interface BuiltPackage {
  objectKey: string;
  sizeBytes: number;
  sha256: string;
  tileCount: number;
  uniqueTileCount: number;
  tileFormat: TileFormat | null;
  minZoom: number | null;
  maxZoom: number | null;
  bounds: number[] | null;
  layerErrors: OfflinePackageLayerError[];
}

export interface PackageListFilter {
  state?: OfflinePackageState;
  format?: OfflinePackageFormat;
  first: number;
  offset: number;
}

/** States a build may still move out of; a package in any other state is left alone by the worker. */
const BUILDABLE_STATES: OfflinePackageState[] = ['queued', 'waiting', 'building'];

/** Reads are scoped by organisation (another tenant's package is "not found"), except the link-token lookup. */
@Injectable()
export class OfflinePackageRepository {
  private readonly packages: Repository<OfflinePackageEntity>;

  constructor(dataSource: DataSource) {
    this.packages = dataSource.getRepository(OfflinePackageEntity);
  }

  find(organisationId: string, id: string): Promise<OfflinePackageEntity | null> {
    return this.packages.findOneBy({ organisationId, id });
  }

  /** Unscoped, for the stable download link whose token is the authorisation. */
  findForLink(id: string): Promise<OfflinePackageEntity | null> {
    return this.packages.findOneBy({ id });
  }

  list(organisationId: string, filter: PackageListFilter): Promise<OfflinePackageEntity[]> {
    return this.packages.find({
      where: {
        organisationId,
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.format ? { format: filter.format } : {}),
      },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.first,
      skip: filter.offset,
    });
  }

  /** Builds of a package identifier so far plus one: the tileset version of the next build. */
  async nextRevision(
    manager: EntityManager,
    organisationId: string,
    packageIdentifier: string,
  ): Promise<number> {
    const [row]: { builds: string }[] = await manager.query(
      `SELECT count(*) AS builds FROM offline_package WHERE organisation_id = $1 AND package_identifier = $2`,
      [organisationId, packageIdentifier],
    );
    return Number(row.builds) + 1;
  }

  /** Moves a package between build states; false when it is no longer in one of `from`. */
  async transition(
    id: string,
    from: OfflinePackageState[],
    to: OfflinePackageState,
    changes: Partial<Pick<OfflinePackageEntity, 'failureReason' | 'layerErrors'>> = {},
  ): Promise<boolean> {
    const result = await this.packages.update({ id, state: In(from) }, { state: to, ...changes });
    return (result.affected ?? 0) > 0;
  }

  startBuilding(id: string): Promise<boolean> {
    return this.transition(id, BUILDABLE_STATES, 'building', { failureReason: null, layerErrors: [] });
  }

  waitForRegions(id: string): Promise<boolean> {
    return this.transition(id, BUILDABLE_STATES, 'waiting');
  }

  async markReady(id: string, built: BuiltPackage): Promise<boolean> {
    const result = await this.packages.update(
      { id, state: In(BUILDABLE_STATES) },
      { state: 'ready', ...built, failureReason: null, builtAt: new Date() },
    );
    return (result.affected ?? 0) > 0;
  }

  markFailed(id: string, reason: string, layerErrors: OfflinePackageLayerError[]): Promise<boolean> {
    return this.transition(id, BUILDABLE_STATES, 'failed', {
      failureReason: reason.slice(0, 2000),
      layerErrors,
    });
  }

  markCancelled(id: string): Promise<boolean> {
    return this.transition(id, BUILDABLE_STATES, 'cancelled');
  }

  /** Any state but deleting -> deleting; false when it already is (a repeated delete). */
  async markDeleting(organisationId: string, id: string): Promise<boolean> {
    const result = await this.packages
      .createQueryBuilder()
      .update()
      .set({ state: 'deleting' })
      .where('id = :id AND organisation_id = :organisationId AND state <> :deleting', {
        id,
        organisationId,
        deleting: 'deleting',
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async replaceDownloadToken(organisationId: string, id: string, token: string): Promise<boolean> {
    const result = await this.packages.update({ organisationId, id }, { downloadToken: token });
    return (result.affected ?? 0) > 0;
  }

  async deleteRecord(id: string): Promise<void> {
    await this.packages.delete({ id });
  }
}
