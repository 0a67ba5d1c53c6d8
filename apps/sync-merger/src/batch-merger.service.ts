import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { resolutionIntent } from '@map-offline/contracts';
import { Clock, DeleteRule, FieldPolicy, MergePolicy, materializeFeature } from '@map-offline/crdt';
import {
  ChangeResultRecord,
  ClosedConflict,
  FeatureStateWrite,
  LayerEntity,
  OpenedConflict,
  SyncBatchEntity,
  SyncBatchRepository,
  SyncChangeLogRepository,
  SyncConflictRepository,
  SyncFeatureRepository,
  SyncLayerRepository,
} from '@map-offline/entities';
import { MergePlan, PlannedChange, planMerge } from './batch-merge.plan';
import { admitChanges } from './change-admission';
import { resolutionChange } from './resolution-change';

/** What one merge did, for the job result, the progress event and the metrics. */
export interface MergeSummary {
  batchId: string;
  jobRunId: string;
  changes: number;
  outcomes: Record<ChangeResultRecord['outcome'], number>;
  /** false when the batch had been merged already (a redelivered job) */
  merged: boolean;
}

/**
 * Merges one stored batch in ONE transaction: lock the batch, admit each change, lock exactly the
 * features it touches (in id order), apply the changes (libs/crdt), then, under the layer's sequence
 * lock, append the change log, write the features and conflicts, and close the batch and its job run.
 * Either everything of a batch is visible or nothing is; a second delivery finds the batch merged.
 */
@Injectable()
export class BatchMerger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: SyncBatchRepository,
    private readonly layers: SyncLayerRepository,
    private readonly features: SyncFeatureRepository,
    private readonly changeLog: SyncChangeLogRepository,
    private readonly conflicts: SyncConflictRepository,
    private readonly clock: Clock,
  ) {}

  merge(organisationId: string, batchId: string): Promise<MergeSummary | null> {
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const batch = await this.batches.lockForMerge(manager, organisationId, batchId);
      if (batch === null) return null;
      if (batch.status !== 'queued') return summarise(batch, batch.results ?? [], false);
      const layer = await this.layers.find(organisationId, batch.layerId, manager);
      const results =
        batch.kind === 'resolution'
          ? await this.mergeResolution(manager, batch, layer)
          : await this.mergeDeviceChanges(manager, batch, layer);
      const summary = summarise(batch, results, true);
      await this.batches.finishMerge(manager, batch, results, { ...summary.outcomes });
      return summary;
    });
  }

  private async mergeDeviceChanges(
    manager: EntityManager,
    batch: SyncBatchEntity,
    layer: LayerEntity | null,
  ): Promise<ChangeResultRecord[]> {
    const admission = admitChanges(batch.changes, {
      deviceId: batch.deviceId,
      layerId: batch.layerId,
      layer,
      rejections: batch.rejections,
    });
    if (layer === null || admission.admitted.length === 0) return sortByIndex(admission.rejected);
    const states = await this.features.lockFeatures(
      manager,
      batch.organisationId,
      layer.id,
      admission.admitted.map((entry) => entry.change.featureId),
    );
    const plan = planMerge({
      layerId: layer.id,
      policy: policyOf(layer),
      states,
      changes: admission.admitted,
    });
    const merged = await this.write(manager, batch, layer, plan);
    return sortByIndex([...admission.rejected, ...merged]);
  }

  private async mergeResolution(
    manager: EntityManager,
    batch: SyncBatchEntity,
    layer: LayerEntity | null,
  ): Promise<ChangeResultRecord[]> {
    const parsed = resolutionIntent.safeParse(batch.changes[0]);
    if (layer === null || !parsed.success || batch.changes.length !== 1) {
      // The gateway wrote this batch from a conflict it had just read; only a layer or row removed
      // by hand can get here.
      return [
        {
          index: 0,
          featureId: null,
          outcome: 'REJECTED',
          code: 'INVALID_RESOLUTION',
          reason:
            layer === null ? `layer ${batch.layerId} was not found` : 'the stored resolution is malformed',
        },
      ];
    }
    const intent = parsed.data;
    const policy = policyOf(layer);
    const states = await this.features.lockFeatures(manager, batch.organisationId, layer.id, [
      intent.featureId,
    ]);
    const outcome = resolutionChange(layer.id, states.get(intent.featureId), intent, policy, this.clock);
    if (!outcome.ok) {
      const rejected: ChangeResultRecord = {
        index: 0,
        featureId: intent.featureId,
        outcome: 'REJECTED',
        code: outcome.code,
        reason: outcome.reason,
      };
      if (outcome.field !== undefined) rejected.field = outcome.field;
      return [rejected];
    }
    const planned: PlannedChange = {
      index: 0,
      change: outcome.change,
      resolution: { conflictId: intent.conflictId, record: outcome.record },
    };
    return this.write(
      manager,
      batch,
      layer,
      planMerge({ layerId: layer.id, policy, states, changes: [planned] }),
    );
  }

  /** Everything below runs under the layer's sequence lock, until commit: keep it to these writes. */
  private async write(
    manager: EntityManager,
    batch: SyncBatchEntity,
    layer: LayerEntity,
    plan: MergePlan,
  ): Promise<ChangeResultRecord[]> {
    if (plan.logged.length === 0) return plan.results;
    await this.changeLog.lockLayerSequence(manager, layer.id);
    const sequences = await this.changeLog.append(
      manager,
      batch.organisationId,
      layer.id,
      batch.id,
      plan.logged,
    );
    const sequenceOf = (index: number): number => {
      const sequence = sequences.get(index);
      if (sequence === undefined) throw new Error(`change ${index} of batch ${batch.id} has no sequence`);
      return sequence;
    };
    const writes: FeatureStateWrite[] = [...plan.states].map(([featureId, state]) => {
      const feature = materializeFeature(state);
      return {
        id: featureId,
        state,
        deleted: feature.deleted,
        geometry: feature.geometry,
        properties: feature.properties,
        versionVector: feature.versionVector,
        openConflicts: state.conflicts.length,
        sequence: sequenceOf(plan.lastIndex.get(featureId) ?? -1),
      };
    });
    await this.features.writeStates(manager, layer.id, writes);
    const opened: OpenedConflict[] = plan.openings.map((opening) => ({
      id: opening.id,
      organisationId: batch.organisationId,
      layerId: layer.id,
      featureId: opening.featureId,
      field: opening.conflict.field,
      kind: opening.conflict.kind,
      candidates: opening.conflict.candidates,
      concurrentWith: opening.conflict.concurrentWith ?? null,
      serverWrites: opening.report?.server ?? opening.conflict.candidates,
      deviceWrite: opening.report?.device ?? null,
      baseClock: opening.report?.baseClock ?? null,
      openedSequence: sequenceOf(opening.index),
    }));
    await this.conflicts.open(manager, opened);
    const closed: ClosedConflict[] = plan.closings.map((closing) => ({
      id: closing.id,
      status: closing.status,
      closedSequence: sequenceOf(closing.index),
      resolution: closing.resolution,
    }));
    await this.conflicts.close(manager, closed);
    return plan.results.map((result) => {
      const sequence = sequences.get(result.index);
      return sequence === undefined ? result : { ...result, sequence };
    });
  }
}

export function policyOf(layer: LayerEntity): MergePolicy {
  return { fields: layer.fieldPolicy as FieldPolicy, deletes: layer.deleteRule as DeleteRule };
}

function sortByIndex(results: ChangeResultRecord[]): ChangeResultRecord[] {
  return [...results].sort((left, right) => left.index - right.index);
}

function summarise(batch: SyncBatchEntity, results: ChangeResultRecord[], merged: boolean): MergeSummary {
  const outcomes: MergeSummary['outcomes'] = {
    APPLIED: 0,
    MERGED: 0,
    CONFLICT: 0,
    DUPLICATE: 0,
    REJECTED: 0,
  };
  for (const result of results) outcomes[result.outcome] += 1;
  return { batchId: batch.id, jobRunId: batch.jobRunId, changes: results.length, outcomes, merged };
}
