import {
  Change,
  CrdtValidationError,
  PropertySchema,
  assertChange,
  assertChangeMatchesSchema,
  isServerDevice,
} from '@map-offline/crdt';
import { ChangeRejection, ChangeResultRecord } from '@map-offline/entities';

/** Why a change was refused at the merge, beyond the CRDT library's own validation codes. */
export enum RejectionCode {
  UNKNOWN_LAYER = 'UNKNOWN_LAYER',
  DEVICE_MISMATCH = 'DEVICE_MISMATCH',
  SERVER_DEVICE_ID = 'SERVER_DEVICE_ID',
  CONFLICT_NOT_OPEN = 'CONFLICT_NOT_OPEN',
}

export interface AdmittedChange {
  index: number;
  change: Change;
}

export interface AdmissionContext {
  /** the device the batch came from; every change must be its own */
  deviceId: string;
  layerId: string;
  /** null when the layer does not exist for the batch's organisation */
  layer: { propertySchema: PropertySchema | null } | null;
  /** refused at push time (the HLC drift check), by index */
  rejections: readonly ChangeRejection[];
}

export interface Admission {
  admitted: AdmittedChange[];
  rejected: ChangeResultRecord[];
}

/**
 * Checks every change of a device batch on its own: shape and RFC 7946 geometry (libs/crdt), the
 * layer's property schema, the device. A bad change is rejected with its reason and the rest go on.
 * Reads nothing but the batch and the layer, so every server admits the same changes.
 */
export function admitChanges(changes: readonly unknown[], context: AdmissionContext): Admission {
  const refusedAtPush = new Map(context.rejections.map((rejection) => [rejection.index, rejection]));
  const admitted: AdmittedChange[] = [];
  const rejected: ChangeResultRecord[] = [];
  changes.forEach((raw, index) => {
    const featureId = rawFeatureId(raw);
    const reject = (code: string, reason: string, field?: string): void => {
      const record: ChangeResultRecord = { index, featureId, outcome: 'REJECTED', code, reason };
      if (field !== undefined) record.field = field;
      rejected.push(record);
    };
    if (context.layer === null) {
      reject(RejectionCode.UNKNOWN_LAYER, `layer ${context.layerId} was not found`, 'layerId');
      return;
    }
    const early = refusedAtPush.get(index);
    if (early !== undefined) {
      reject(early.code, early.reason, early.field);
      return;
    }
    let change: Change;
    try {
      change = assertChange(raw);
      if (change.deviceId !== context.deviceId) {
        reject(
          RejectionCode.DEVICE_MISMATCH,
          `deviceId is ${change.deviceId} but the batch came from ${context.deviceId}`,
          'deviceId',
        );
        return;
      }
      if (isServerDevice(change.deviceId)) {
        reject(
          RejectionCode.SERVER_DEVICE_ID,
          'device ids starting with "server:" are reserved for server-side writers',
          'deviceId',
        );
        return;
      }
      if (context.layer.propertySchema !== null) {
        assertChangeMatchesSchema(change, context.layer.propertySchema);
      }
    } catch (error) {
      if (!(error instanceof CrdtValidationError)) throw error;
      reject(error.code, error.message, error.field);
      return;
    }
    admitted.push({ index, change });
  });
  return { admitted, rejected };
}

function rawFeatureId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const featureId = (raw as { featureId?: unknown }).featureId;
  return typeof featureId === 'string' ? featureId.toLowerCase().slice(0, 64) : null;
}
