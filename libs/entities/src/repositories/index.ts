export * from './tile-index.types';
export * from './tile-index.repository';
export * from './region-release.repository';
export * from './blob-collection.repository';
