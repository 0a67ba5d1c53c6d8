import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal } from '@map-offline/auth';
import { DomainError, DomainErrorCode, invalidInput } from '@map-offline/contracts';
import { canonicalJson, isServerDevice, isValidDeviceId } from '@map-offline/crdt';
import { JobRunEntity, SyncBatchRepository } from '@map-offline/entities';
import { HlcAdmission } from './hlc-admission';
import { PushChangesInput, SyncChangeInput } from './push-changes.input';
import { SyncBatchLauncher } from './sync-batch.launcher';

/** Changes in one push; larger edits sessions are pushed as several batches. */
export const MAX_CHANGES_PER_BATCH = 1_000;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Accepts a pushed batch: checks what concerns the whole batch (ids, device, size), makes the HLC
 * admission check, stores the batch durably in PostgreSQL, and only then queues its merge. Each
 * change is validated by the merge, which rejects bad ones one by one with reasons (never silently).
 */
@Injectable()
export class SyncPushService {
  constructor(
    private readonly batches: SyncBatchRepository,
    private readonly launcher: SyncBatchLauncher,
    private readonly admission: HlcAdmission,
  ) {}

  async push(principal: Principal, input: PushChangesInput): Promise<JobRunEntity> {
    if (!UUID_PATTERN.test(input.layerId)) throw invalidInput('input.layerId', 'must be a UUID');
    if (!UUID_PATTERN.test(input.batchId)) throw invalidInput('input.batchId', 'must be a UUID');
    if (!isValidDeviceId(input.deviceId)) {
      throw invalidInput(
        'input.deviceId',
        'must be 1 to 128 characters of [A-Za-z0-9._:@-], starting with a letter or digit',
      );
    }
    if (isServerDevice(input.deviceId)) {
      throw invalidInput(
        'input.deviceId',
        'ids starting with "server:" are reserved for server-side writers',
      );
    }
    if (input.changes.length === 0 || input.changes.length > MAX_CHANGES_PER_BATCH) {
      throw new DomainError(
        DomainErrorCode.LIMIT_EXCEEDED,
        `input.changes: push 1 to ${MAX_CHANGES_PER_BATCH} changes per batch, got ${input.changes.length}`,
        { field: 'input.changes', limit: MAX_CHANGES_PER_BATCH },
      );
    }
    const batchId = input.batchId.toLowerCase();
    const layerId = input.layerId.toLowerCase();
    const changes = input.changes.map((change) => storedChange(change, input.deviceId));
    const requestSha256 = createHash('sha256')
      .update(canonicalJson({ layerId, deviceId: input.deviceId, changes }))
      .digest('hex');
    const recorded = await this.batches.record({
      organisationId: principal.organisationId,
      id: batchId,
      kind: 'device',
      layerId,
      deviceId: input.deviceId,
      requestSha256,
      changes,
      rejections: this.admission.check(input.changes.map((change) => change.hlc)),
      jobRunId: randomUUID(),
      requestedBy: principal.clientId ?? principal.subject,
    });
    if (
      !recorded.created &&
      (recorded.batch.kind !== 'device' || recorded.batch.requestSha256 !== requestSha256)
    ) {
      throw new DomainError(
        DomainErrorCode.CONFLICT,
        `batchId ${batchId} was already used for a different batch; use a new batch id for new changes`,
        { field: 'input.batchId' },
      );
    }
    // A retry of a batch that is still queued also repairs a first push whose enqueue failed.
    if (recorded.created || recorded.batch.status === 'queued') {
      await this.launcher.launch({
        organisationId: principal.organisationId,
        id: batchId,
        jobRunId: recorded.batch.jobRunId,
      });
    }
    return recorded.run;
  }
}

/** The change as the merge validates it: exactly what the device sent, plus its device id. */
function storedChange(change: SyncChangeInput, deviceId: string): Record<string, unknown> {
  const stored: Record<string, unknown> = {
    featureId: change.featureId,
    deviceId,
    op: change.op,
    clock: change.clock,
    hlc: change.hlc,
  };
  // Absent and null differ for the geometry (unchanged versus cleared).
  if (change.geometry !== undefined) stored.geometry = change.geometry;
  if (change.set !== undefined && change.set !== null) stored.set = change.set;
  if (change.unset !== undefined && change.unset !== null) stored.unset = change.unset;
  if (change.baseClock !== undefined && change.baseClock !== null) stored.baseClock = change.baseClock;
  return stored;
}
