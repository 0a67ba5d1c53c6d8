export * from './logger';
export * from './nest-logger.adapter';
export * from './metrics-registry';
export * from './readiness';
export * from './health-server';
