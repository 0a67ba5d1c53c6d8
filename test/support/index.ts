export * from './stack-env';
export * from './test-database';
export * from './app-harness';
export * from './graphql-client';
export * from './operation-builder';
export * from './private-redis';
export * from './private-postgres';
