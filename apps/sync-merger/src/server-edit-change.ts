import {
  Change,
  Clock,
  CrdtValidationError,
  FeatureState,
  PropertySchema,
  assertChange,
  assertChangeMatchesSchema,
  incrementClock,
} from '@map-offline/crdt';
import { ServerEditIntent } from '@map-offline/contracts';
import { serverTimestamp } from './resolution-change';

export enum ServerEditRejection {
  FEATURE_NOT_FOUND = 'FEATURE_NOT_FOUND',
  FEATURE_EXISTS = 'FEATURE_EXISTS',
}

export type ServerEditOutcome =
  { ok: true; change: Change } | { ok: false; code: string; reason: string; field?: string };

/**
 * Turns an office edit into a change under the feature's lock: its clock is the feature's version
 * vector plus one change of the editor, so it replaces what the editor saw, and only field edits
 * made before it without seeing it are concurrent with it (the layer's policy decides those).
 */
export function serverEditChange(
  state: FeatureState | undefined,
  intent: ServerEditIntent,
  schema: PropertySchema | null,
  clock: Clock,
): ServerEditOutcome {
  if (intent.op === 'CREATE' && state !== undefined) {
    return {
      ok: false,
      code: ServerEditRejection.FEATURE_EXISTS,
      reason: `feature ${intent.featureId} exists already`,
      field: 'featureId',
    };
  }
  if (intent.op !== 'CREATE' && state === undefined) {
    return {
      ok: false,
      code: ServerEditRejection.FEATURE_NOT_FOUND,
      reason: `feature ${intent.featureId} was not found`,
      field: 'featureId',
    };
  }
  const versionVector = state?.versionVector ?? {};
  const input: Record<string, unknown> = {
    featureId: intent.featureId,
    deviceId: intent.editorId,
    op: intent.op,
    clock: incrementClock(versionVector, intent.editorId),
    hlc: serverTimestamp(state, intent.editorId, clock),
  };
  if (Object.keys(versionVector).length > 0) input.baseClock = versionVector;
  if (intent.geometry !== undefined) input.geometry = intent.geometry;
  if (intent.set !== undefined) input.set = intent.set;
  if (intent.unset !== undefined) input.unset = intent.unset;
  try {
    const change = assertChange(input);
    if (schema !== null) assertChangeMatchesSchema(change, schema);
    return { ok: true, change };
  } catch (error) {
    if (!(error instanceof CrdtValidationError)) throw error;
    return { ok: false, code: error.code, reason: error.message, field: error.field };
  }
}
