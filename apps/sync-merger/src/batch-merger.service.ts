import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { resolutionIntent, serverEditIntent } from '@map-offline/contracts';
import { Clock, FeatureState } from '@map-offline/crdt';
import {
  ChangeResultRecord,
  ClosedConflict,
  EncodedFeatureStates,
  LayerEntity,
  OpenedConflict,
  SyncBatchEntity,
  SyncBatchRepository,
  SyncChangeLogRepository,
  SyncConflictRepository,
  SyncFeatureRepository,
  sequenceKey,
} from '@map-offline/entities';
import { MergePlan, PlannedChange, planMerge } from './batch-merge.plan';
import { admitChanges } from './change-admission';
import { FeatureStateCache } from './feature-state.cache';
import { featureRowOf } from './feature-row';
import { LayerCache, policyOf } from './layer.cache';
import { PhaseClock } from './phase-clock';
import { resolutionChange } from './resolution-change';
import { serverEditChange } from './server-edit-change';

/** Device batches of one layer merged in one transaction at most (100 changes each by default). */
export const MAX_BATCHES_PER_MERGE = 16;

/** batch keys remembered as merged by this process (about 100 bytes each) */
const MAX_REMEMBERED_MERGES = 10_000;

/** A bounded set of keys; the oldest are forgotten first. */
class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly limit: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.limit) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
}

/** What one merge did, for the job result, the progress events and the metrics. */
export interface MergeSummary {
  batchId: string;
  jobRunId: string;
  changes: number;
  outcomes: Record<ChangeResultRecord['outcome'], number>;
  /** conflict records opened for review (one CONFLICT change may open one per field it disputes) */
  conflictsOpened: number;
}

export interface MergeOutcome {
  /** the job's own batch; null when it was no longer queued (merged by another delivery or merge) */
  own: MergeSummary | null;
  /** every batch this transaction merged, the job's own included */
  merged: MergeSummary[];
}

/** The feature rows of a merge, encoded before their sequences are known. */
interface EncodedFeatures {
  rows: { featureId: string; state: FeatureState; key: string }[];
  encoded: EncodedFeatureStates;
}

/** A batch with its plan, between planning and writing. */
interface PlannedBatch {
  batch: SyncBatchEntity;
  rejected: ChangeResultRecord[];
  plan: MergePlan | null;
}

/**
 * Merges a stored batch in ONE transaction: lock the batch (and other queued batches of its layer
 * that no other merge holds, so a backlog is merged a group at a time), admit each change, lock
 * exactly the features the changes touch in id order (no deadlocks between merges), apply them in
 * batch order (libs/crdt), then under the layer's sequence lock append the change log, write the
 * features and conflicts, and close the batches and their job runs. Each batch is all or nothing.
 */
@Injectable()
export class BatchMerger {
  /** batches this process merged and committed: their later jobs (queued meanwhile) skip the database */
  private readonly committed = new RecentKeys(MAX_REMEMBERED_MERGES);

  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: SyncBatchRepository,
    private readonly layers: LayerCache,
    private readonly features: SyncFeatureRepository,
    private readonly states: FeatureStateCache,
    private readonly changeLog: SyncChangeLogRepository,
    private readonly conflicts: SyncConflictRepository,
    private readonly clock: Clock,
  ) {}

  /** True when this process merged the batch (in any group) and committed. */
  mergedHere(organisationId: string, batchId: string): boolean {
    return this.committed.has(`${organisationId}/${batchId}`);
  }

  async merge(organisationId: string, batchId: string, phases: PhaseClock): Promise<MergeOutcome> {
    // Taken into an earlier group of this process (committed): nothing to open a transaction for.
    if (this.mergedHere(organisationId, batchId)) return { own: null, merged: [] };
    const outcome = await this.mergeInTransaction(organisationId, batchId, phases);
    for (const summary of outcome.merged) this.committed.add(`${organisationId}/${summary.batchId}`);
    return outcome;
  }

  private mergeInTransaction(
    organisationId: string,
    batchId: string,
    phases: PhaseClock,
  ): Promise<MergeOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = await this.batches.claimForMerge(
        manager,
        organisationId,
        batchId,
        MAX_BATCHES_PER_MERGE,
      );
      phases.mark('claim');
      if (claimed.length === 0) return { own: null, merged: [] };
      const layer = await this.layers.find(organisationId, claimed[0].layerId);
      const planned =
        claimed[0].kind === 'resolution'
          ? [await this.planResolution(manager, claimed[0], layer)]
          : claimed[0].kind === 'edit'
            ? [await this.planServerEdit(manager, claimed[0], layer)]
            : await this.planDeviceBatches(manager, claimed, layer, phases);
      phases.mark('apply');
      const results = await this.write(manager, organisationId, layer, planned, phases);
      const merged = results.map(({ batch, results: batchResults, conflictsOpened }) =>
        summarise(batch, batchResults, conflictsOpened),
      );
      await this.batches.finishMerges(
        manager,
        results.map((entry, index) => ({ ...entry, summary: { ...merged[index].outcomes } })),
      );
      phases.mark('finish');
      return { own: merged[0], merged };
    });
  }

  private async planDeviceBatches(
    manager: EntityManager,
    claimed: SyncBatchEntity[],
    layer: LayerEntity | null,
    phases: PhaseClock,
  ): Promise<PlannedBatch[]> {
    const admissions = claimed.map((batch) => ({
      batch,
      admission: admitChanges(batch.changes, {
        deviceId: batch.deviceId,
        layerId: batch.layerId,
        layer,
        rejections: batch.rejections,
      }),
    }));
    if (layer === null) {
      return admissions.map(({ batch, admission }) => ({ batch, rejected: admission.rejected, plan: null }));
    }
    const ids = admissions.flatMap(({ admission }) =>
      admission.admitted.map((entry) => entry.change.featureId),
    );
    if (ids.length === 0) {
      return admissions.map(({ batch, admission }) => ({ batch, rejected: admission.rejected, plan: null }));
    }
    // While PostgreSQL locks the rows, plan on the states this process holds: the plan is a pure
    // function of the states and the changes, so when every locked row still holds the state planned
    // on (the usual case with one merger per layer), that plan is the one the locked states give.
    // Otherwise (another replica wrote, or a state was not held) it is planned again on what was locked.
    const held = this.states.peek(layer.id, ids);
    const locking = this.states.lock(manager, layer.organisationId, layer.id, ids);
    // Awaited below; a failure meanwhile must not count as unhandled.
    locking.catch(() => undefined);
    // Let the statement reach PostgreSQL before this process spends its time planning.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let speculative: PlannedBatch[] | null = null;
    try {
      speculative = planGroup(admissions, new Map(held), layer);
    } catch {
      // planned again below on the locked states, where an error is the merge's error
    }
    const states = await locking;
    phases.mark('lock');
    if (speculative !== null && ids.every((id) => states.get(id) === held.get(id))) return speculative;
    return planGroup(admissions, states, layer);
  }

  private async planResolution(
    manager: EntityManager,
    batch: SyncBatchEntity,
    layer: LayerEntity | null,
  ): Promise<PlannedBatch> {
    const parsed = resolutionIntent.safeParse(batch.changes[0]);
    if (layer === null || !parsed.success || batch.changes.length !== 1) {
      // The gateway wrote this batch from a conflict it had just read; only a row removed or edited
      // by hand can get here.
      const reason =
        layer === null ? `layer ${batch.layerId} was not found` : 'the stored resolution is malformed';
      return { batch, rejected: [rejection(null, 'INVALID_RESOLUTION', reason)], plan: null };
    }
    const intent = parsed.data;
    // The decision's clock must dominate the feature as it is now: computed under the feature's lock.
    const states = await this.states.lock(manager, layer.organisationId, layer.id, [intent.featureId]);
    const state = states.get(intent.featureId);
    const outcome = resolutionChange(layer.id, state, intent, policyOf(layer), this.clock);
    if (!outcome.ok) {
      return {
        batch,
        rejected: [rejection(intent.featureId, outcome.code, outcome.reason, outcome.field)],
        plan: null,
      };
    }
    const planned: PlannedChange = {
      index: 0,
      change: outcome.change,
      resolution: { conflictId: intent.conflictId, record: outcome.record },
    };
    const plan = planMerge({
      layerId: layer.id,
      batchId: batch.id,
      policy: policyOf(layer),
      states,
      changes: [planned],
    });
    return { batch, rejected: [], plan };
  }

  private async planServerEdit(
    manager: EntityManager,
    batch: SyncBatchEntity,
    layer: LayerEntity | null,
  ): Promise<PlannedBatch> {
    const parsed = serverEditIntent.safeParse(batch.changes[0]);
    if (layer === null || !parsed.success || batch.changes.length !== 1) {
      const reason = layer === null ? `layer ${batch.layerId} was not found` : 'the stored edit is malformed';
      return { batch, rejected: [rejection(null, 'INVALID_EDIT', reason)], plan: null };
    }
    const intent = parsed.data;
    // Like a resolution, the edit's clock must dominate the feature as it is now.
    const states = await this.states.lock(manager, layer.organisationId, layer.id, [intent.featureId]);
    const outcome = serverEditChange(states.get(intent.featureId), intent, layer.propertySchema, this.clock);
    if (!outcome.ok) {
      return {
        batch,
        rejected: [rejection(intent.featureId, outcome.code, outcome.reason, outcome.field)],
        plan: null,
      };
    }
    const plan = planMerge({
      layerId: layer.id,
      batchId: batch.id,
      policy: policyOf(layer),
      states,
      changes: [{ index: 0, change: outcome.change }],
    });
    return { batch, rejected: [], plan };
  }

  /** Runs under the layer's sequence lock until commit: keep it to these writes. */
  private async write(
    manager: EntityManager,
    organisationId: string,
    layer: LayerEntity | null,
    planned: PlannedBatch[],
    phases: PhaseClock,
  ): Promise<{ batch: SyncBatchEntity; results: ChangeResultRecord[]; conflictsOpened: number }[]> {
    const plans = planned.flatMap((entry) => (entry.plan === null ? [] : [entry.plan]));
    const logged = plans.flatMap((plan) => plan.logged);
    let sequences = new Map<string, number>();
    if (layer !== null && logged.length > 0) {
      // append takes the layer's sequence lock in the same statement
      const appending = this.changeLog.append(manager, organisationId, layer.id, logged);
      // Awaited below; a failure meanwhile must not count as unhandled.
      appending.catch(() => undefined);
      // Let the statement reach PostgreSQL, then encode the feature rows while it runs.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const features = this.encodeFeatures(planned);
      sequences = await appending;
      phases.mark('append');
      await this.writeFeatures(manager, layer, features, sequences);
      phases.mark('features');
      await this.writeConflicts(manager, organisationId, layer, planned, sequences);
      phases.mark('conflicts');
    }
    return planned.map(({ batch, rejected, plan }) => {
      const merged = (plan?.results ?? []).map((result) => {
        const sequence = sequences.get(sequenceKey(batch.id, result.index));
        return sequence === undefined ? result : { ...result, sequence };
      });
      const results = [...rejected, ...merged].sort((left, right) => left.index - right.index);
      // writeConflicts opened exactly these (only when the layer exists and something was logged).
      const conflictsOpened = layer !== null && logged.length > 0 ? (plan?.openings.length ?? 0) : 0;
      return { batch, results, conflictsOpened };
    });
  }

  /** The final state of each feature the group altered, encoded, and the change that last altered it. */
  private encodeFeatures(planned: PlannedBatch[]): EncodedFeatures {
    const finals = new Map<string, { state: FeatureState; key: string }>();
    for (const { batch, plan } of planned) {
      if (plan === null) continue;
      for (const [featureId, state] of plan.states) {
        finals.set(featureId, { state, key: sequenceKey(batch.id, plan.lastIndex.get(featureId) ?? -1) });
      }
    }
    const rows = [...finals].map(([featureId, { state, key }]) => ({ featureId, state, key }));
    const encoded = this.features.encodeStates(
      rows.map(({ featureId, state }) => featureRowOf(featureId, state)),
    );
    return { rows, encoded };
  }

  private async writeFeatures(
    manager: EntityManager,
    layer: LayerEntity,
    features: EncodedFeatures,
    sequences: Map<string, number>,
  ): Promise<void> {
    const featureSequences = features.rows.map(({ featureId, state, key }) => {
      const sequence = sequences.get(key);
      if (sequence === undefined) throw new Error(`feature ${featureId} changed without a logged change`);
      this.states.remember(layer.id, featureId, state, sequence);
      return sequence;
    });
    await this.features.writeEncodedStates(manager, layer.id, features.encoded, featureSequences);
  }

  private async writeConflicts(
    manager: EntityManager,
    organisationId: string,
    layer: LayerEntity,
    planned: PlannedBatch[],
    sequences: Map<string, number>,
  ): Promise<void> {
    const opened: OpenedConflict[] = [];
    const closed: ClosedConflict[] = [];
    for (const { batch, plan } of planned) {
      if (plan === null) continue;
      const sequenceOf = (index: number): number => {
        const sequence = sequences.get(sequenceKey(batch.id, index));
        if (sequence === undefined) throw new Error(`change ${index} of batch ${batch.id} has no sequence`);
        return sequence;
      };
      for (const opening of plan.openings) {
        opened.push({
          id: opening.id,
          organisationId,
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
        });
      }
      for (const closing of plan.closings) {
        closed.push({
          id: closing.id,
          status: closing.status,
          closedSequence: sequenceOf(closing.index),
          resolution: closing.resolution,
        });
      }
    }
    // Every opening first: a conflict opened by one batch of the group may be closed by a later one.
    await this.conflicts.open(manager, opened);
    await this.conflicts.close(manager, closed);
  }
}

function rejection(
  featureId: string | null,
  code: string,
  reason: string,
  field?: string,
): ChangeResultRecord {
  const record: ChangeResultRecord = { index: 0, featureId, outcome: 'REJECTED', code, reason };
  if (field !== undefined) record.field = field;
  return record;
}

function summarise(
  batch: SyncBatchEntity,
  results: ChangeResultRecord[],
  conflictsOpened: number,
): MergeSummary {
  const outcomes: MergeSummary['outcomes'] = {
    APPLIED: 0,
    MERGED: 0,
    CONFLICT: 0,
    DUPLICATE: 0,
    REJECTED: 0,
  };
  for (const result of results) outcomes[result.outcome] += 1;
  return {
    batchId: batch.id,
    jobRunId: batch.jobRunId,
    changes: results.length,
    outcomes,
    conflictsOpened,
  };
}

/**
 * Plans the batches of a group in order on `states`, which it updates: the next batch of the group
 * starts from what the previous one left.
 */
function planGroup(
  admissions: readonly { batch: SyncBatchEntity; admission: ReturnType<typeof admitChanges> }[],
  states: Map<string, FeatureState | undefined>,
  layer: LayerEntity,
): PlannedBatch[] {
  return admissions.map(({ batch, admission }) => {
    if (admission.admitted.length === 0) return { batch, rejected: admission.rejected, plan: null };
    const plan = planMerge({
      layerId: layer.id,
      batchId: batch.id,
      policy: policyOf(layer),
      states,
      changes: admission.admitted,
    });
    for (const [featureId, state] of plan.states) states.set(featureId, state);
    return { batch, rejected: admission.rejected, plan };
  });
}
