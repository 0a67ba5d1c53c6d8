import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Change, FunctionClock } from '@map-offline/crdt';
import {
  dataSourceOptions,
  SyncBatchRepository,
  SyncChangeLogRepository,
  SyncConflictRepository,
  SyncFeatureRepository,
  SyncLayerRepository,
} from '@map-offline/entities';
import { createTestDatabase, TestDatabase } from '@map-offline/testing';
import { BatchMerger } from '../../../apps/sync-merger/src/batch-merger.service';
import { FeatureStateCache } from '../../../apps/sync-merger/src/feature-state.cache';
import { LayerCache } from '../../../apps/sync-merger/src/layer.cache';

export const ORGANISATION = 'org-int-sync';

/** A migrated database with the sync repositories, and mergers built on them like the app builds them. */
export interface SyncDatabase {
  database: TestDatabase;
  dataSource: DataSource;
  batches: SyncBatchRepository;
  layers: SyncLayerRepository;
  /** A merger as one sync-merger process has it (its own caches); call twice for two replicas. */
  merger(): BatchMerger;
  createLayer(conflictPolicy?: string, deleteRule?: string): Promise<string>;
  /** Stores a device batch as the gateway does; returns its id. */
  storeBatch(layerId: string, deviceId: string, changes: Change[]): Promise<{ id: string; jobRunId: string }>;
  close(): Promise<void>;
}

export async function openSyncDatabase(poolSize = 8): Promise<SyncDatabase> {
  const database = await createTestDatabase();
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: database.url, poolSize }),
    logging: ['error'],
  });
  await dataSource.initialize();
  const batches = new SyncBatchRepository(dataSource);
  const layers = new SyncLayerRepository(dataSource);
  const features = new SyncFeatureRepository(dataSource);
  return {
    database,
    dataSource,
    batches,
    layers,
    merger: () =>
      new BatchMerger(
        dataSource,
        batches,
        new LayerCache(layers),
        features,
        new FeatureStateCache(features),
        new SyncChangeLogRepository(dataSource),
        new SyncConflictRepository(dataSource),
        new FunctionClock(() => Date.now()),
      ),
    createLayer: async (conflictPolicy = 'AUTO_MERGE', deleteRule = 'REVIEW') => {
      const layer = await layers.create({
        organisationId: ORGANISATION,
        name: `layer-${randomUUID()}`,
        fieldPolicy: conflictPolicy as never,
        deleteRule: deleteRule as never,
        propertySchema: null,
        createdBy: 'integration-test',
      });
      if (layer === null) throw new Error('layer not created');
      return layer.id;
    },
    storeBatch: async (layerId, deviceId, changes) => {
      const id = randomUUID();
      const jobRunId = randomUUID();
      await batches.record({
        organisationId: ORGANISATION,
        id,
        kind: 'device',
        layerId,
        deviceId,
        requestSha256: '0'.repeat(64),
        changes: changes.map((change) => JSON.parse(JSON.stringify(change)) as unknown),
        rejections: [],
        jobRunId,
        requestedBy: 'integration-test',
      });
      return { id, jobRunId };
    },
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
