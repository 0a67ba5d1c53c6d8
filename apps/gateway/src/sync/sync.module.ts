import { Module } from '@nestjs/common';
import { Clock, FunctionClock } from '@map-offline/crdt';
import {
  SyncBatchRepository,
  SyncChangeLogRepository,
  SyncConflictRepository,
  SyncFeatureRepository,
  SyncLayerRepository,
} from '@map-offline/entities';
import { ConflictBaseReader } from './conflict-base.reader';
import { ConflictReviewService } from './conflict-review.service';
import { HlcAdmission } from './hlc-admission';
import { ServerEditsService } from './server-edits.service';
import { MergeWaiter } from './merge-waiter';
import { SyncBatchLauncher } from './sync-batch.launcher';
import { SyncBatchesResolver } from './sync-batches.resolver';
import { SyncConflictsResolver } from './sync-conflicts.resolver';
import { SyncFeaturesResolver } from './sync-features.resolver';
import { SyncLayersResolver } from './sync-layers.resolver';
import { SyncLayersService } from './sync-layers.service';
import { SyncPushService } from './sync-push.service';

/** Offline edit sync: layers, pushes (stored, then queued for the sync-merger), pulls, conflict review. */
@Module({
  providers: [
    // The wall clock is a port (libs/crdt): only the HLC admission check reads it.
    { provide: Clock, useValue: new FunctionClock(() => Date.now()) },
    SyncLayerRepository,
    SyncBatchRepository,
    SyncFeatureRepository,
    SyncChangeLogRepository,
    SyncConflictRepository,
    SyncLayersService,
    HlcAdmission,
    SyncBatchLauncher,
    MergeWaiter,
    SyncPushService,
    ConflictBaseReader,
    ConflictReviewService,
    ServerEditsService,
    SyncLayersResolver,
    SyncBatchesResolver,
    SyncFeaturesResolver,
    SyncConflictsResolver,
  ],
})
export class SyncModule {}
