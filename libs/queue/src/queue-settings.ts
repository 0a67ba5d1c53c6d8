export interface QueueSettings {
  redisUrl: string;
  /** Redis Cluster hash tag, e.g. "{map-offline}". */
  prefix: string;
  /** Shown in CLIENT LIST so an operator sees who holds a connection. */
  connectionName: string;
}

export const QUEUE_SETTINGS = Symbol('QUEUE_SETTINGS');
