import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal } from '@map-offline/auth';
import { invalidInput, ServerEditIntent } from '@map-offline/contracts';
import { assertChange, canonicalJson, formatHlc } from '@map-offline/crdt';
import { JobRunEntity, SyncBatchRepository } from '@map-offline/entities';
import { EditFeatureInput } from './edit-feature.input';
import { SyncBatchLauncher } from './sync-batch.launcher';
import { checkSyncInput } from './sync-errors';
import { SyncLayersService } from './sync-layers.service';
import { serverWriterIdOf } from './server-writer-id';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Office edits: recorded as a one-entry `edit` batch and merged by the sync-merger, which gives the
 * change its clock under the feature's lock (the same path as every other write of a feature).
 */
@Injectable()
export class ServerEditsService {
  constructor(
    private readonly layers: SyncLayersService,
    private readonly batches: SyncBatchRepository,
    private readonly launcher: SyncBatchLauncher,
  ) {}

  async edit(principal: Principal, input: EditFeatureInput): Promise<JobRunEntity> {
    const layer = await this.layers.find(principal.organisationId, input.layerId);
    if (!UUID_PATTERN.test(input.featureId)) throw invalidInput('input.featureId', 'must be a UUID');
    const editorId = serverWriterIdOf(principal);
    const intent: ServerEditIntent = { featureId: input.featureId.toLowerCase(), editorId, op: input.op };
    if (input.geometry !== undefined) intent.geometry = input.geometry;
    if (input.set !== undefined && input.set !== null) intent.set = input.set;
    if (input.unset !== undefined && input.unset !== null) intent.unset = input.unset;
    // The same checks the merge makes (RFC 7946, property values), so a bad edit fails here, with the field.
    const { editorId: _editor, ...edit } = intent;
    checkSyncInput(
      () =>
        assertChange({
          ...edit,
          deviceId: editorId,
          clock: { [editorId]: 1 },
          hlc: formatHlc({ wallTime: Date.now(), counter: 0, nodeId: editorId }),
        }),
      'input',
    );
    const batchId = randomUUID();
    const recorded = await this.batches.record({
      organisationId: principal.organisationId,
      id: batchId,
      kind: 'edit',
      layerId: layer.id,
      deviceId: editorId,
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
}
