import { version } from '../../../package.json';

/** Sent with every upstream request, so tile server operators can see who is fetching. */
export const DEFAULT_USER_AGENT = `map-offline/${version}`;
