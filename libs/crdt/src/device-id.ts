import { CrdtErrorCode, CrdtValidationError } from './crdt-error';

/** Longest accepted device (or node) id, in characters. */
export const MAX_DEVICE_ID_LENGTH = 128;

/**
 * A device id starts with a letter or digit (so `__proto__` and friends can never be a clock key) and
 * then uses letters, digits and `. _ : @ -`. Server-side actors (office editors, imports, conflict
 * resolutions) use the `server:` prefix; SERVER_WINS and CLIENT_WINS tell them apart by it, so the
 * gateway must refuse a device that claims such an id.
 */
const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;

export const SERVER_DEVICE_PREFIX = 'server:';

export function isValidDeviceId(deviceId: unknown): deviceId is string {
  return (
    typeof deviceId === 'string' &&
    deviceId.length >= 1 &&
    deviceId.length <= MAX_DEVICE_ID_LENGTH &&
    DEVICE_ID_PATTERN.test(deviceId)
  );
}

export function assertDeviceId(deviceId: unknown, field = 'deviceId'): asserts deviceId is string {
  if (!isValidDeviceId(deviceId)) {
    throw new CrdtValidationError(
      CrdtErrorCode.INVALID_DEVICE_ID,
      field,
      `1..${MAX_DEVICE_ID_LENGTH} characters of [A-Za-z0-9._:@-], starting with a letter or digit`,
      deviceId,
    );
  }
}

/** True for writes made on the server side (office edits, imports, resolutions), false for field devices. */
export function isServerDevice(deviceId: string): boolean {
  return deviceId.startsWith(SERVER_DEVICE_PREFIX);
}
