import { Change } from '@map-offline/crdt';
import { GraphqlClient } from '@map-offline/testing';

export interface LayerView {
  id: string;
  name: string;
  conflictPolicy: string;
  deleteRule: string;
}

export interface ChangeResultView {
  index: number;
  featureId: string | null;
  outcome: 'APPLIED' | 'MERGED' | 'CONFLICT' | 'DUPLICATE' | 'REJECTED';
  conflictIds: string[];
  reasonCode: string | null;
  reason: string | null;
  field: string | null;
  sequence: string | null;
}

export interface SyncResultView {
  batchId: string;
  status: 'QUEUED' | 'MERGED' | 'FAILED';
  counts: Record<'applied' | 'merged' | 'conflict' | 'duplicate' | 'rejected', number>;
  changes: ChangeResultView[];
  error: string | null;
  job: { id: string; kind: string; state: string };
}

export interface FieldVersionView {
  field: string;
  value: unknown;
  removed: boolean;
  clock: Record<string, number>;
  hlc: string;
  deviceId: string;
}

export interface FeatureView {
  id: string;
  layerId: string;
  deleted: boolean;
  geometry: Record<string, unknown> | null;
  properties: Record<string, unknown>;
  versionVector: Record<string, number>;
  conflictFields: string[];
  state: Record<string, unknown>;
  sequence: string;
}

export interface ConflictView {
  id: string;
  featureId: string;
  field: string;
  kind: string;
  status: string;
  base: FieldVersionView | null;
  server: FieldVersionView[];
  device: FieldVersionView | null;
  candidates: FieldVersionView[];
  resolution: Record<string, unknown> | null;
}

export interface JobHandleView {
  id: string;
  kind: string;
  state: string;
  subjectId: string;
}

const VERSION = 'field value removed clock hlc deviceId';
const RESULT = `batchId status error counts { applied merged conflict duplicate rejected }
  changes { index featureId outcome conflictIds reasonCode reason field sequence } job { id kind state }`;
const FEATURE = 'id layerId deleted geometry properties versionVector conflictFields state sequence';
const CONFLICT = `id featureId field kind status resolution base { ${VERSION} } server { ${VERSION} }
  device { ${VERSION} } candidates { ${VERSION} }`;

/** The sync API as a device and a reviewer use it. */
export class SyncApi {
  constructor(readonly client: GraphqlClient) {}

  async createLayer(input: {
    name: string;
    conflictPolicy: string;
    deleteRule: string;
    propertySchema?: Record<string, unknown>;
  }): Promise<LayerView> {
    const data = await this.client.data<{ createLayer: LayerView }>(
      `mutation ($input: CreateLayerInput!) { createLayer(input: $input) { id name conflictPolicy deleteRule } }`,
      { input },
    );
    return data.createLayer;
  }

  async push(
    layerId: string,
    deviceId: string,
    batchId: string,
    changes: readonly Change[],
  ): Promise<JobHandleView> {
    const data = await this.client.data<{ pushChanges: JobHandleView }>(
      `mutation ($input: PushChangesInput!) { pushChanges(input: $input) { id kind state subjectId } }`,
      { input: { layerId, deviceId, batchId, changes: changes.map(toChangeInput) } },
    );
    return data.pushChanges;
  }

  /** The batch's results, waiting up to `waitSeconds` for the merge. */
  async result(batchId: string, waitSeconds = 20): Promise<SyncResultView> {
    const data = await this.client.data<{ syncResult: SyncResultView }>(
      `query ($batchId: ID!, $wait: Float!) { syncResult(batchId: $batchId, waitSeconds: $wait) { ${RESULT} } }`,
      { batchId, wait: waitSeconds },
    );
    return data.syncResult;
  }

  /** Pushes and waits for the merge; fails if it does not finish. */
  async pushAndWait(
    layerId: string,
    deviceId: string,
    batchId: string,
    changes: readonly Change[],
  ): Promise<SyncResultView> {
    await this.push(layerId, deviceId, batchId, changes);
    const result = await this.result(batchId);
    if (result.status !== 'MERGED')
      throw new Error(`batch ${batchId} is ${result.status}: ${result.error ?? ''}`);
    return result;
  }

  /** Every feature changed after `since`, following pages to the end. */
  async pullAll(
    layerId: string,
    since = '0',
    pageSize = 200,
  ): Promise<{ features: FeatureView[]; cursor: string }> {
    const features: FeatureView[] = [];
    let cursor = since;
    for (;;) {
      const data = await this.client.data<{
        pullChanges: { features: FeatureView[]; nextCursor: string; hasMore: boolean };
      }>(
        `query ($layerId: ID!, $since: String!, $first: Int!) {
           pullChanges(layerId: $layerId, since: $since, first: $first) { features { ${FEATURE} } nextCursor hasMore } }`,
        { layerId, since: cursor, first: pageSize },
      );
      features.push(...data.pullChanges.features);
      cursor = data.pullChanges.nextCursor;
      if (!data.pullChanges.hasMore) return { features, cursor };
    }
  }

  async features(layerId: string, bbox?: number[], includeDeleted = false): Promise<FeatureView[]> {
    const data = await this.client.data<{ features: FeatureView[] }>(
      `query ($layerId: ID!, $bbox: [Float!], $includeDeleted: Boolean!) {
         features(layerId: $layerId, bbox: $bbox, includeDeleted: $includeDeleted) { ${FEATURE} } }`,
      { layerId, bbox: bbox ?? null, includeDeleted },
    );
    return data.features;
  }

  async feature(layerId: string, featureId: string): Promise<FeatureView | undefined> {
    return (await this.features(layerId, undefined, true)).find((feature) => feature.id === featureId);
  }

  async conflicts(layerId: string, status: string | null = 'OPEN'): Promise<ConflictView[]> {
    const data = await this.client.data<{ conflicts: ConflictView[] }>(
      `query ($layerId: ID!, $status: ConflictStatus) {
         conflicts(layerId: $layerId, status: $status, first: 200) { ${CONFLICT} } }`,
      { layerId, status },
    );
    return data.conflicts;
  }

  async resolve(id: string, resolution: string, merged?: Record<string, unknown>): Promise<SyncResultView> {
    const data = await this.client.data<{ resolveConflict: JobHandleView }>(
      `mutation ($id: ID!, $resolution: ConflictResolution!, $merged: JSONObject) {
         resolveConflict(id: $id, resolution: $resolution, merged: $merged) { id kind state subjectId } }`,
      { id, resolution, merged: merged ?? null },
    );
    return this.result(data.resolveConflict.subjectId);
  }

  /** An office edit (server-side writer); returns the merged result. */
  async editFeature(input: {
    layerId: string;
    featureId: string;
    op: string;
    geometry?: Record<string, unknown> | null;
    set?: Record<string, unknown>;
    unset?: string[];
  }): Promise<SyncResultView> {
    const data = await this.client.data<{ editFeature: JobHandleView }>(
      `mutation ($input: EditFeatureInput!) { editFeature(input: $input) { id kind state subjectId } }`,
      { input },
    );
    return this.result(data.editFeature.subjectId);
  }

  async history(featureId: string): Promise<Record<string, unknown>[]> {
    const data = await this.client.data<{ featureHistory: Record<string, unknown>[] }>(
      `query ($id: ID!) { featureHistory(id: $id) {
         sequence batchId deviceId op clock hlc outcome geometry set unset mergedFields discardedFields conflictIds } }`,
      { id: featureId },
    );
    return data.featureHistory;
  }
}

/** A libs/crdt change as the GraphQL input (the device id travels with the batch). */
export function toChangeInput(change: Change): Record<string, unknown> {
  const input: Record<string, unknown> = {
    featureId: change.featureId,
    op: change.op,
    clock: change.clock,
    hlc: change.hlc,
  };
  if (change.geometry !== undefined) input.geometry = change.geometry;
  if (change.set !== undefined) input.set = change.set;
  if (change.unset !== undefined) input.unset = change.unset;
  if (change.baseClock !== undefined) input.baseClock = change.baseClock;
  return input;
}
