export * from './config-error';
export * from './app-config';
export { environmentSchema } from './env-schema';
export type { Environment } from './env-schema';
