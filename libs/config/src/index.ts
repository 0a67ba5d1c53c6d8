export * from './config-error';
export * from './app-config';
export { environmentSchema, Environment } from './env-schema';
