import { FeatureState, MaterializedFeature } from './feature-state';
import { JsonValue } from './json-value';

/** The values in force: what the merger stores in its feature columns and sends to devices. */
export function materializeFeature(state: FeatureState): MaterializedFeature {
  const properties = Object.entries(state.properties)
    .filter(([, register]) => !register.removed)
    .map(([key, register]) => [key, register.value] as [string, JsonValue]);
  const feature: MaterializedFeature = {
    id: state.id,
    deleted: state.deleted.value,
    geometry: state.geometry?.value ?? null,
    properties: Object.fromEntries(properties),
    versionVector: state.versionVector,
    conflicts: state.conflicts,
  };
  if (state.layerId !== undefined) feature.layerId = state.layerId;
  return feature;
}
