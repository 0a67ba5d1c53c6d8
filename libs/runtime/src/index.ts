export * from './tokens';
export * from './run-process';
export * from './database-readiness';
export * from './start-worker-process';
export * from './runtime-values.module';
export * from './version';
export * from './database-unavailable';
