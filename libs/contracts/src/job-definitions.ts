import { z } from 'zod';
import { releaseRegionPayload, seedBatchPayload, seedRegionPayload } from './jobs/tile-seeding.jobs';
import { buildPackagePayload, deletePackagePayload } from './jobs/packaging.jobs';
import { QueueName } from './queue-name';
import { mergeBatchPayload } from './jobs/sync.jobs';

export interface JobDefinition {
  queue: QueueName;
  /** Validated at the producer and again at the consumer: outside producers add jobs straight to Redis. */
  payload: z.ZodType;
  description: string;
}

/**
 * Every job the system runs, by name. Job names are stored in Redis with each job: do not rename one
 * without a migration. Payloads are plain JSON: ids and small values, never entities.
 */
export const JOB_DEFINITIONS = {
  'seed-region': {
    queue: QueueName.TileSeeding,
    payload: seedRegionPayload,
    description: 'Plan the tile cover of a cache region and fan out seed-batch jobs.',
  },
  'seed-batch': {
    queue: QueueName.TileSeeding,
    payload: seedBatchPayload,
    description: 'Fetch, fingerprint, store and index one slice of a region cover.',
  },
  'release-region': {
    queue: QueueName.TileSeeding,
    payload: releaseRegionPayload,
    description: 'Delete a cache region, releasing tiles no other region uses and collecting their blobs.',
  },
  'build-package': {
    queue: QueueName.Packaging,
    payload: buildPackagePayload,
    description: 'Pin the tiles of an offline package, write, verify and upload its file.',
  },
  'delete-package': {
    queue: QueueName.Packaging,
    payload: deletePackagePayload,
    description: 'Delete an offline package: its object, then its tile pins and the tiles only it used.',
  },
  'merge-batch': {
    queue: QueueName.SyncMerge,
    payload: mergeBatchPayload,
    description: 'Merge one stored batch of offline edits into the layer, in one transaction.',
  },
} as const satisfies Record<string, JobDefinition>;

type Definitions = typeof JOB_DEFINITIONS;
export type JobName = Extract<keyof Definitions, string>;
export type JobPayload<Name extends JobName> = z.infer<Definitions[Name]['payload']>;

/** A job as it travels: the name picks the payload type, so a wrong payload does not compile. */
export type JobItem = { [Name in JobName]: { name: Name; data: JobPayload<Name> } }[JobName];
export type JobOf<Name extends JobName> = Extract<JobItem, { name: Name }>;

export function jobNamesOfQueue(queue: QueueName): JobName[] {
  return (Object.entries(JOB_DEFINITIONS) as [JobName, JobDefinition][])
    .filter(([, definition]) => definition.queue === queue)
    .map(([name]) => name);
}

export function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(JOB_DEFINITIONS, name);
}

export function jobDefinition(name: JobName): JobDefinition {
  return (JOB_DEFINITIONS as Record<string, JobDefinition>)[name];
}
