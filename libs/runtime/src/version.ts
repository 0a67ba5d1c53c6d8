import { version } from '../../../package.json';

/** The product version every process reports (health query, metrics, logs). */
export const PRODUCT_VERSION: string = version;
