import { Module } from '@nestjs/common';
import { Clock, FunctionClock } from '@map-offline/crdt';
import {
  SyncBatchRepository,
  SyncChangeLogRepository,
  SyncConflictRepository,
  SyncFeatureRepository,
  SyncLayerRepository,
} from '@map-offline/entities';
import { BatchMerger } from './batch-merger.service';
import { FeatureStateCache } from './feature-state.cache';
import { LayerCache } from './layer.cache';
import { MergeBatchJob } from './merge-batch.job';
import { MergeNotifier } from './merge-notifier';
import { MergerMetrics } from './merger.metrics';

/** Merges pushed batches of offline edits (job `merge-batch` on the sync-merge queue). */
@Module({
  providers: [
    // The wall clock is a port (libs/crdt): reviewers' HLCs are read from it.
    { provide: Clock, useValue: new FunctionClock(() => Date.now()) },
    SyncBatchRepository,
    SyncLayerRepository,
    SyncFeatureRepository,
    SyncChangeLogRepository,
    SyncConflictRepository,
    LayerCache,
    FeatureStateCache,
    BatchMerger,
    MergeNotifier,
    MergerMetrics,
    MergeBatchJob,
  ],
})
export class SyncMergeModule {}
