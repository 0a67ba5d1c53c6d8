import { Injectable } from '@nestjs/common';
import { MergePolicy } from '@map-offline/crdt';
import { LayerEntity, SyncLayerRepository } from '@map-offline/entities';

/** Layers remembered per process; a layer's rules never change, so a cached one is never stale. */
const MAX_CACHED_LAYERS = 1_000;

/** The layers batches merge into, read once per process instead of once per batch. */
@Injectable()
export class LayerCache {
  private readonly layers = new Map<string, LayerEntity>();

  constructor(private readonly repository: SyncLayerRepository) {}

  /** null when the organisation has no such layer (not cached: it may be created later). */
  async find(organisationId: string, id: string): Promise<LayerEntity | null> {
    const key = `${organisationId}/${id}`;
    const cached = this.layers.get(key);
    if (cached !== undefined) return cached;
    const layer = await this.repository.find(organisationId, id);
    if (layer === null) return null;
    if (this.layers.size >= MAX_CACHED_LAYERS) {
      const oldest = this.layers.keys().next().value;
      if (oldest !== undefined) this.layers.delete(oldest);
    }
    this.layers.set(key, layer);
    return layer;
  }
}

export function policyOf(layer: LayerEntity): MergePolicy {
  return { fields: layer.fieldPolicy, deletes: layer.deleteRule };
}
