/** DI tokens for the per-process values every module may need. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const APP_LOGGER = Symbol('APP_LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
