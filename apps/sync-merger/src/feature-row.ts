import { FeatureState, materializeFeature } from '@map-offline/crdt';
import { FeatureStateWrite } from '@map-offline/entities';

/** A feature's row as the merge writes it: the state and the values in force derived from it. */
export function featureRowOf(id: string, state: FeatureState): Omit<FeatureStateWrite, 'sequence'> {
  const feature = materializeFeature(state);
  return {
    id,
    state,
    deleted: feature.deleted,
    geometry: feature.geometry,
    properties: feature.properties,
    versionVector: feature.versionVector,
    openConflicts: state.conflicts.length,
  };
}
