import 'reflect-metadata';
import { QueueName } from '@map-offline/contracts';
import { runProcess, startWorkerProcess } from '@map-offline/runtime';
import { SyncMergeModule } from './sync-merge.module';

runProcess('sync-merger', (config, logger) =>
  startWorkerProcess(config, logger, { queue: QueueName.SyncMerge, featureModule: () => SyncMergeModule }),
);
