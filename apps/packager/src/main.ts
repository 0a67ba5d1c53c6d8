import 'reflect-metadata';
import { QueueName } from '@map-offline/contracts';
import { runProcess, startWorkerProcess } from '@map-offline/runtime';
import { PackagingModule } from './packaging.module';

runProcess('packager', (config, logger) =>
  startWorkerProcess(config, logger, {
    queue: QueueName.Packaging,
    featureModule: (appConfig) => PackagingModule.forRoot(appConfig),
  }),
);
