import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { CacheRegionEntity, JobRunEntity, JobRunRepository, TileSourceEntity } from '@map-offline/entities';

export interface SeedingRecords {
  run: JobRunEntity;
  region: CacheRegionEntity;
  source: TileSourceEntity;
}

/** Loads what a seeding job works on, scoped by organisation; a missing record is permanent. */
@Injectable()
export class SeedingRecordLoader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobRuns: JobRunRepository,
  ) {}

  findRegion(organisationId: string, regionId: string): Promise<CacheRegionEntity | null> {
    return this.dataSource.getRepository(CacheRegionEntity).findOneBy({ id: regionId, organisationId });
  }

  async load(organisationId: string, jobRunId: string, regionId: string): Promise<SeedingRecords> {
    const run = await this.jobRuns.find(organisationId, jobRunId);
    if (!run)
      throw new UnrecoverableError(`job run ${jobRunId} of organisation ${organisationId} does not exist`);
    const region = await this.findRegion(organisationId, regionId);
    if (!region)
      throw new UnrecoverableError(
        `cache region ${regionId} of organisation ${organisationId} does not exist`,
      );
    const source = await this.dataSource
      .getRepository(TileSourceEntity)
      .findOneBy({ id: region.sourceId, organisationId });
    if (!source)
      throw new UnrecoverableError(`tile source ${region.sourceId} of region ${regionId} does not exist`);
    return { run, region, source };
  }
}
