import 'reflect-metadata';
import { QueueName } from '@map-offline/contracts';
import { runProcess, startWorkerProcess } from '@map-offline/runtime';
import { TileSeedingModule } from './tile-seeding.module';

runProcess('tile-seeder', (config, logger) =>
  startWorkerProcess(config, logger, {
    queue: QueueName.TileSeeding,
    featureModule: (appConfig) => TileSeedingModule.forRoot(appConfig),
  }),
);
