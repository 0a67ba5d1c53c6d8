import { Principal } from '@map-offline/auth';
import { SERVER_DEVICE_PREFIX } from '@map-offline/crdt';

/**
 * Reviewers and office editors write as server-side writers (`server:<subject>`), each under its own
 * id (libs/crdt README, "Resolving"); SERVER_WINS and CLIENT_WINS tell them from field devices by it.
 */
export function serverWriterIdOf(principal: Principal): string {
  const who = (principal.clientId ?? principal.subject).replace(/[^A-Za-z0-9._:@-]/g, '-');
  return `${SERVER_DEVICE_PREFIX}${who}`.slice(0, 128);
}
