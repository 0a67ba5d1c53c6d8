export * from './tile-index.types';
export * from './tile-index.repository';
export * from './region-release.repository';
export * from './blob-collection.repository';
export * from './job-run.repository';
export * from './cache-stats.repository';
