import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal } from '@map-offline/auth';
import {
  assertObjectId,
  DomainError,
  DomainErrorCode,
  invalidInput,
  notFound,
  ResolutionIntent,
} from '@map-offline/contracts';
import {
  FieldWrite,
  GEOMETRY_FIELD,
  DELETED_FIELD,
  PROPERTY_FIELD_PREFIX,
  assertGeometry,
  assertJsonValue,
  canonicalJson,
  pickWinner,
} from '@map-offline/crdt';
import {
  ConflictEntity,
  ConflictStatus,
  JobRunEntity,
  LayerEntity,
  SyncBatchRepository,
  SyncConflictRepository,
} from '@map-offline/entities';
import { ConflictBaseReader } from './conflict-base.reader';
import { ConflictResolution } from './sync-enums';
import { checkSyncInput } from './sync-errors';
import { SyncBatchLauncher } from './sync-batch.launcher';
import { SyncConflict } from './sync-feature.model';
import { SyncLayersService } from './sync-layers.service';
import { toFieldVersion, toSyncConflict } from './sync-views';
import { policyOfLayer } from './layer-policy';
import { serverWriterIdOf } from './server-writer-id';

/** The value a resolution writes: a value, or the removal of a property. */
type ChosenValue = { value: unknown } | { removed: true };

/**
 * Conflict review: lists conflicts with their base, server and device versions, and records a
 * reviewer's decision as a one-entry `resolution` batch for the sync-merger, which applies it under
 * the feature's lock (a decision on a conflict that changed meanwhile is rejected there, with reason).
 */
@Injectable()
export class ConflictReviewService {
  constructor(
    private readonly layers: SyncLayersService,
    private readonly conflicts: SyncConflictRepository,
    private readonly bases: ConflictBaseReader,
    private readonly batches: SyncBatchRepository,
    private readonly launcher: SyncBatchLauncher,
  ) {}

  async list(
    organisationId: string,
    layerId: string,
    status: ConflictStatus | null,
    first: number,
    offset: number,
  ): Promise<SyncConflict[]> {
    const layer = await this.layers.find(organisationId, layerId);
    const conflicts = await this.conflicts.list(organisationId, layer.id, status, first, offset);
    const bases = await this.bases.basesOf(organisationId, conflicts, policyOfLayer(layer));
    return conflicts.map((conflict) => {
      const base = bases.get(conflict.id);
      return toSyncConflict(conflict, base === undefined ? null : toFieldVersion(conflict.field, base));
    });
  }

  async find(organisationId: string, id: string): Promise<ConflictEntity> {
    assertObjectId('conflict', id);
    const conflict = await this.conflicts.find(organisationId, id);
    if (conflict === null) throw notFound('conflict', id);
    return conflict;
  }

  async resolve(
    principal: Principal,
    id: string,
    resolution: ConflictResolution,
    merged: Record<string, unknown> | null | undefined,
  ): Promise<JobRunEntity> {
    const conflict = await this.find(principal.organisationId, id);
    if (conflict.status !== 'OPEN') {
      throw new DomainError(DomainErrorCode.CONFLICT, `conflict ${id} is ${conflict.status}, not OPEN`);
    }
    const layer = await this.layers.find(principal.organisationId, conflict.layerId);
    const chosen = await this.choose(principal.organisationId, conflict, layer, resolution, merged);
    const intent: ResolutionIntent = {
      conflictId: conflict.id,
      featureId: conflict.featureId,
      field: conflict.field,
      resolution,
      resolverId: serverWriterIdOf(principal),
      ...('removed' in chosen ? { removed: true as const } : { value: chosen.value }),
    };
    const batchId = randomUUID();
    const recorded = await this.batches.record({
      organisationId: principal.organisationId,
      id: batchId,
      kind: 'resolution',
      layerId: layer.id,
      deviceId: intent.resolverId,
      requestSha256: createHash('sha256').update(canonicalJson(intent)).digest('hex'),
      changes: [intent],
      rejections: [],
      jobRunId: randomUUID(),
      requestedBy: principal.clientId ?? principal.subject,
    });
    await this.launcher.launch({
      organisationId: principal.organisationId,
      id: batchId,
      jobRunId: recorded.batch.jobRunId,
    });
    return recorded.run;
  }

  private async choose(
    organisationId: string,
    conflict: ConflictEntity,
    layer: LayerEntity,
    resolution: ConflictResolution,
    merged: Record<string, unknown> | null | undefined,
  ): Promise<ChosenValue> {
    switch (resolution) {
      case ConflictResolution.KEEP_DEVICE:
        if (conflict.deviceWrite === null) {
          throw invalidInput(
            'resolution',
            `the change that opened conflict ${conflict.id} did not write ${conflict.field}; use KEEP_SERVER or MERGED`,
          );
        }
        return valueOf(conflict.deviceWrite);
      case ConflictResolution.KEEP_SERVER: {
        if (conflict.serverWrites.length > 0) {
          return valueOf(pickWinner(conflict.serverWrites, policyOfLayer(layer).fields));
        }
        // MANUAL: the server had not written this field concurrently; its version is the ancestor's.
        const bases = await this.bases.basesOf(organisationId, [conflict], policyOfLayer(layer));
        const base = bases.get(conflict.id);
        return base === undefined ? absentValue(conflict.field) : valueOf(base);
      }
      case ConflictResolution.MERGED:
        return mergedValue(conflict.field, merged);
    }
  }
}

function valueOf(write: FieldWrite<unknown>): ChosenValue {
  return write.removed ? { removed: true } : { value: write.value };
}

/** What "the field did not exist" means when written back. */
function absentValue(field: string): ChosenValue {
  if (field === GEOMETRY_FIELD) return { value: null };
  if (field === DELETED_FIELD) return { value: false };
  return { removed: true };
}

/** The conflict's field read from the merged feature the reviewer gave; checked like device input. */
function mergedValue(field: string, merged: Record<string, unknown> | null | undefined): ChosenValue {
  if (merged === undefined || merged === null) {
    throw invalidInput('merged', 'MERGED needs the merged feature: { geometry?, properties?, deleted? }');
  }
  if (field === GEOMETRY_FIELD) {
    if (!Object.hasOwn(merged, 'geometry'))
      throw invalidInput('merged.geometry', 'is required to resolve geometry');
    const geometry = merged.geometry;
    return {
      value: geometry === null ? null : checkSyncInput(() => assertGeometry(geometry, 'geometry'), 'merged'),
    };
  }
  if (field === DELETED_FIELD) {
    if (typeof merged.deleted !== 'boolean') throw invalidInput('merged.deleted', 'must be true or false');
    return { value: merged.deleted };
  }
  const key = field.slice(PROPERTY_FIELD_PREFIX.length);
  const properties = merged.properties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw invalidInput('merged.properties', 'must be an object');
  }
  const record = properties as Record<string, unknown>;
  if (!Object.hasOwn(record, key)) return { removed: true };
  const value = record[key];
  return { value: checkSyncInput(() => assertJsonValue(value, `properties.${key}`), 'merged') };
}
