import {
  FeatureState,
  FieldRegister,
  FieldWrite,
  materializeFeature,
  propertyField,
} from '@map-offline/crdt';
import {
  ChangeLogEntry,
  ChangeResultRecord,
  ConflictEntity,
  LayerEntity,
  StoredFeature,
  SyncBatchSummary,
} from '@map-offline/entities';
import { ConflictStatusValue, SyncBatchStatus, SyncOutcome } from './sync-enums';
import { FieldVersion, SyncConflict, SyncFeature, SyncFeatureChange } from './sync-feature.model';
import { SyncLayer } from './sync-layer.model';
import { SyncChangeResult, SyncResult } from './sync-result.model';

export function toSyncLayer(layer: LayerEntity): SyncLayer {
  return {
    id: layer.id,
    name: layer.name,
    conflictPolicy: layer.fieldPolicy,
    deleteRule: layer.deleteRule,
    propertySchema: layer.propertySchema as Record<string, unknown> | null,
    createdAt: layer.createdAt,
  };
}

export function toFieldVersion(field: string, write: FieldWrite<unknown>): FieldVersion {
  return {
    field,
    value: write.removed ? null : write.value,
    removed: write.removed === true,
    clock: { ...write.clock },
    hlc: write.hlc,
    deviceId: write.deviceId,
  };
}

export function toSyncFeature(stored: StoredFeature): SyncFeature {
  const state = stored.state;
  const feature = materializeFeature(state);
  return {
    id: stored.id,
    layerId: stored.layerId,
    deleted: feature.deleted,
    geometry: feature.geometry as Record<string, unknown> | null,
    properties: feature.properties,
    versionVector: { ...feature.versionVector },
    fields: fieldsOf(state),
    conflictFields: state.conflicts.map((conflict) => conflict.field),
    state: state as unknown as Record<string, unknown>,
    sequence: String(stored.sequence),
  };
}

function fieldsOf(state: FeatureState): FieldVersion[] {
  const registers: [string, FieldRegister<unknown>][] = [['deleted', state.deleted]];
  if (state.geometry !== undefined) registers.push(['geometry', state.geometry]);
  for (const [key, register] of Object.entries(state.properties))
    registers.push([propertyField(key), register]);
  return registers.map(([field, register]) => toFieldVersion(field, register));
}

export function toSyncResult(batch: SyncBatchSummary): SyncResult {
  const results = batch.results ?? [];
  const count = (outcome: ChangeResultRecord['outcome']): number =>
    results.filter((result) => result.outcome === outcome).length;
  return {
    batchId: batch.id,
    layerId: batch.layerId,
    deviceId: batch.deviceId,
    status: batch.status as SyncBatchStatus,
    jobId: batch.jobRunId,
    changeCount: batch.changeCount,
    counts: {
      applied: count('APPLIED'),
      merged: count('MERGED'),
      conflict: count('CONFLICT'),
      duplicate: count('DUPLICATE'),
      rejected: count('REJECTED'),
    },
    changes: results.map(toChangeResult),
    error: batch.error,
    receivedAt: batch.receivedAt,
    mergedAt: batch.mergedAt,
  };
}

function toChangeResult(result: ChangeResultRecord): SyncChangeResult {
  return {
    index: result.index,
    featureId: result.featureId,
    outcome: result.outcome as SyncOutcome,
    conflictIds: result.conflictIds ?? [],
    reasonCode: result.code ?? null,
    reason: result.reason ?? null,
    field: result.field ?? null,
    sequence: result.sequence === undefined ? null : String(result.sequence),
  };
}

export function toSyncFeatureChange(entry: ChangeLogEntry): SyncFeatureChange {
  const change = entry.change;
  return {
    sequence: String(entry.sequence),
    layerId: entry.layerId,
    featureId: entry.featureId,
    batchId: entry.batchId,
    deviceId: entry.deviceId,
    op: change.op,
    clock: { ...entry.clock },
    hlc: entry.hlc,
    outcome: entry.outcome as SyncOutcome,
    geometry: change.geometry === undefined ? null : (change.geometry as Record<string, unknown> | null),
    set: change.set ?? null,
    unset: change.unset ?? [],
    mergedFields: entry.mergedFields,
    discardedFields: entry.discardedFields,
    conflictIds: entry.conflictIds,
    recordedAt: entry.recordedAt,
  };
}

export function toSyncConflict(conflict: ConflictEntity, base: FieldVersion | null): SyncConflict {
  return {
    id: conflict.id,
    layerId: conflict.layerId,
    featureId: conflict.featureId,
    field: conflict.field,
    kind: conflict.kind,
    status: conflict.status as ConflictStatusValue,
    base,
    server: conflict.serverWrites.map((write) => toFieldVersion(conflict.field, write)),
    device: conflict.deviceWrite === null ? null : toFieldVersion(conflict.field, conflict.deviceWrite),
    candidates: conflict.candidates.map((write) => toFieldVersion(conflict.field, write)),
    concurrentWith: conflict.concurrentWith?.map((clock) => ({ ...clock })) ?? null,
    openedSequence: String(conflict.openedSequence),
    closedSequence: conflict.closedSequence === null ? null : String(conflict.closedSequence),
    resolution: conflict.resolution,
    createdAt: conflict.createdAt,
    closedAt: conflict.closedAt,
  };
}
