import { MergePolicy } from '@map-offline/crdt';
import { LayerEntity } from '@map-offline/entities';

export function policyOfLayer(layer: LayerEntity): MergePolicy {
  return { fields: layer.fieldPolicy, deletes: layer.deleteRule };
}
