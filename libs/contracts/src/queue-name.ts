/**
 * Queue names are part of Redis keys ("{map-offline}:tile-seeding:..."). Do not change one without a
 * migration that drains the old queue first: jobs under the old name would be stranded.
 */
export const QueueName = {
  TileSeeding: 'tile-seeding',
  Packaging: 'packaging',
  SyncMerge: 'sync-merge',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const ALL_QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);
