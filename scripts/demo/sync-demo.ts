import { randomUUID } from 'node:crypto';
import { Change, FieldDevice, FunctionClock } from '@map-offline/crdt';
import { DemoApi } from './demo-api';

interface ChangeResult {
  index: number;
  featureId: string | null;
  outcome: string;
  conflictIds: string[];
  reason: string | null;
}

interface Version {
  value: unknown;
  deviceId: string;
}

interface Conflict {
  id: string;
  featureId: string;
  field: string;
  kind: string;
  base: Version | null;
  server: Version[];
  device: Version | null;
}

interface PulledFeature {
  id: string;
  deleted: boolean;
  properties: Record<string, unknown>;
  versionVector: Record<string, number>;
  conflictFields: string[];
}

const RESULT_FIELDS = 'status changes { index featureId outcome conflictIds reason }';
const VERSION_FIELDS = 'value deviceId';

/**
 * Offline edit sync as field teams use it: two tablets edit the same trees without a network (one
 * edit merges cleanly, one collides), push when they are back, the collision is listed with its
 * base, server and device versions and a reviewer decides, and a third device pulls the result.
 */
export async function runSyncDemo(api: DemoApi, log: (line: string) => void): Promise<void> {
  const clock = new FunctionClock(() => Date.now());
  const amina = new FieldDevice('tablet-amina', clock);
  const brian = new FieldDevice('tablet-brian', clock);
  const chloe = new FieldDevice('phone-chloe', clock);
  const { createLayer: layer } = await api.call<{ createLayer: { id: string; name: string } }>(
    `mutation ($input: CreateLayerInput!) { createLayer(input: $input) { id name } }`,
    {
      input: {
        name: `demo trees ${new Date().toISOString()}`,
        conflictPolicy: 'AUTO_MERGE',
        deleteRule: 'REVIEW',
        propertySchema: {
          type: 'object',
          properties: {
            species: { type: 'string' },
            heightMetres: { type: 'number', minimum: 0 },
            health: { enum: ['good', 'poor', 'dead'] },
          },
          required: ['species'],
        },
      },
    },
  );
  log(`layer "${layer.name}" (AUTO_MERGE, delete-versus-update reviewed)`);

  const baobab = randomUUID();
  const acacia = randomUUID();
  const surveyed = await push(api, layer.id, amina, [
    amina.create(
      baobab,
      { type: 'Point', coordinates: [36.8219, -1.2921] },
      { species: 'baobab', health: 'good' },
    ),
    amina.create(
      acacia,
      { type: 'Point', coordinates: [36.8231, -1.2933] },
      { species: 'acacia', health: 'good' },
    ),
  ]);
  log(`${amina.id} surveys two trees: ${outcomes(surveyed)}`);
  for (const feature of (await pull(api, layer.id, '0')).features)
    brian.learn(feature.id, feature.versionVector);
  log(`${brian.id} syncs them, then both tablets go offline`);

  const aminaEdits = [
    amina.update(baobab, { set: { heightMetres: 18.5 } }),
    amina.update(acacia, { set: { health: 'poor' } }),
  ];
  const brianEdits = [
    brian.update(baobab, { geometry: { type: 'Point', coordinates: [36.822, -1.2922] } }),
    brian.update(acacia, { set: { health: 'dead' } }),
  ];
  log(
    'offline: Amina measures the baobab and finds the acacia poor; Brian moves the baobab pin and finds the acacia dead',
  );
  log(`${amina.id} reconnects and pushes: ${outcomes(await push(api, layer.id, amina, aminaEdits))}`);
  log(`${brian.id} reconnects and pushes: ${outcomes(await push(api, layer.id, brian, brianEdits))}`);

  const { conflicts } = await api.call<{ conflicts: Conflict[] }>(
    `query ($layerId: ID!) { conflicts(layerId: $layerId) { id featureId field kind
       base { ${VERSION_FIELDS} } server { ${VERSION_FIELDS} } device { ${VERSION_FIELDS} } } }`,
    { layerId: layer.id },
  );
  if (conflicts.length !== 1) throw new Error(`expected one open conflict, found ${conflicts.length}`);
  const [conflict] = conflicts;
  log(
    `open conflict on the acacia's ${conflict.field} (${conflict.kind}): base ${show(conflict.base)}, ` +
      `server ${conflict.server.map(show).join(', ')}, device ${show(conflict.device)}`,
  );
  const { resolveConflict: handle } = await api.call<{ resolveConflict: { subjectId: string } }>(
    `mutation ($id: ID!) { resolveConflict(id: $id, resolution: KEEP_DEVICE) { subjectId } }`,
    { id: conflict.id },
  );
  const decision = await result(api, handle.subjectId);
  log(`a reviewer keeps the device's version: ${outcomes(decision)}`);

  const pulled = await pull(api, layer.id, '0');
  for (const feature of pulled.features) chloe.learn(feature.id, feature.versionVector);
  log(`${chloe.id} pulls ${pulled.features.length} trees (cursor ${pulled.nextCursor}):`);
  for (const feature of pulled.features) {
    log(
      `  ${String(feature.properties.species)}: ${JSON.stringify(feature.properties)}, clock ${JSON.stringify(feature.versionVector)}`,
    );
  }
  const byId = new Map(pulled.features.map((feature) => [feature.id, feature]));
  const merged = byId.get(baobab);
  const decided = byId.get(acacia);
  if (merged?.properties.heightMetres !== 18.5 || decided?.properties.health !== 'dead') {
    throw new Error('the pulled trees do not hold the merged and decided values');
  }
  if (pulled.features.some((feature) => feature.conflictFields.length > 0)) {
    throw new Error('a pulled tree still has an open conflict');
  }
  log('both edits of the baobab merged without a conflict; the acacia holds the reviewed value');
}

async function push(
  api: DemoApi,
  layerId: string,
  device: FieldDevice,
  changes: Change[],
): Promise<ChangeResult[]> {
  const batchId = randomUUID();
  await api.call(`mutation ($input: PushChangesInput!) { pushChanges(input: $input) { id } }`, {
    input: { layerId, deviceId: device.id, batchId, changes: changes.map(toInput) },
  });
  return result(api, batchId);
}

async function result(api: DemoApi, batchId: string): Promise<ChangeResult[]> {
  const { syncResult } = await api.call<{ syncResult: { status: string; changes: ChangeResult[] } }>(
    `query ($batchId: ID!) { syncResult(batchId: $batchId, waitSeconds: 30) { ${RESULT_FIELDS} } }`,
    { batchId },
  );
  if (syncResult.status !== 'MERGED') throw new Error(`batch ${batchId} is ${syncResult.status}`);
  const rejected = syncResult.changes.find((change) => change.outcome === 'REJECTED');
  if (rejected) throw new Error(`change ${rejected.index} was rejected: ${rejected.reason ?? ''}`);
  return syncResult.changes;
}

async function pull(
  api: DemoApi,
  layerId: string,
  since: string,
): Promise<{ features: PulledFeature[]; nextCursor: string }> {
  const { pullChanges } = await api.call<{ pullChanges: { features: PulledFeature[]; nextCursor: string } }>(
    `query ($layerId: ID!, $since: String!) { pullChanges(layerId: $layerId, since: $since) {
       features { id deleted properties versionVector conflictFields } nextCursor } }`,
    { layerId, since },
  );
  return pullChanges;
}

function toInput(change: Change): Record<string, unknown> {
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

function outcomes(changes: ChangeResult[]): string {
  return changes
    .map(
      (change) =>
        `${change.outcome}${change.conflictIds.length > 0 ? ` (conflict ${change.conflictIds[0].slice(0, 8)})` : ''}`,
    )
    .join(', ');
}

function show(version: Version | null): string {
  return version === null ? 'none' : `${JSON.stringify(version.value)} by ${version.deviceId}`;
}
