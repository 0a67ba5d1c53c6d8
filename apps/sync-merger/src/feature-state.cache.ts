import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FeatureState } from '@map-offline/crdt';
import { SyncFeatureRepository } from '@map-offline/entities';

/**
 * Features whose state this process keeps, least recently used dropped first. About 5-10 KiB of
 * memory each for a typical feature (a couple of KiB of JSON).
 */
const MAX_CACHED_STATES = 10_000;

/**
 * The states this merger last wrote or read, each with the sequence it had. A cached state is used
 * only when the locked row still holds that sequence: sequences are never reused (bigserial), so
 * another replica's merge or a rolled-back transaction can never be mistaken for the cached one.
 * Keeping the objects also keeps libs/crdt's identity caches (canonical clock texts) warm.
 */
@Injectable()
export class FeatureStateCache {
  private readonly states = new Map<string, { state: FeatureState; sequence: number }>();

  constructor(private readonly features: SyncFeatureRepository) {}

  /** Locks the features (id order) and returns their current states (undefined = new feature). */
  async lock(
    manager: EntityManager,
    organisationId: string,
    layerId: string,
    ids: readonly string[],
  ): Promise<Map<string, FeatureState | undefined>> {
    // Taken before the query: other layers' merges may evict entries while it runs.
    const held = new Map<string, { state: FeatureState; sequence: number }>();
    for (const id of ids) {
      const cached = this.states.get(keyOf(layerId, id));
      if (cached !== undefined) held.set(id, cached);
    }
    const known = new Map([...held].map(([id, cached]) => [id, cached.sequence]));
    const locked = await this.features.lockFeatures(manager, organisationId, layerId, ids, known);
    const states = new Map<string, FeatureState | undefined>();
    for (const [id, { sequence, state }] of locked) {
      if (state === 'known') {
        // The row holds the sequence the cached state was written with: that state is current.
        states.set(id, held.get(id)?.state);
      } else if (sequence === null || state === null) {
        states.set(id, undefined);
      } else {
        states.set(id, state);
        this.remember(layerId, id, state, sequence);
      }
    }
    return states;
  }

  /**
   * The states this process holds for these features (undefined = not held, or new), without asking
   * the database. `lock` returns these same objects for every feature whose row still holds the cached
   * sequence, so a caller can plan on them while the rows are being locked and compare by identity.
   */
  peek(layerId: string, ids: readonly string[]): Map<string, FeatureState | undefined> {
    const held = new Map<string, FeatureState | undefined>();
    for (const id of ids) held.set(id, this.states.get(keyOf(layerId, id))?.state);
    return held;
  }

  /** Called with what a merge writes (before commit: a rolled-back sequence never matches a row). */
  remember(layerId: string, id: string, state: FeatureState, sequence: number): void {
    const key = keyOf(layerId, id);
    this.states.delete(key);
    this.states.set(key, { state, sequence });
    if (this.states.size > MAX_CACHED_STATES) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
  }
}

function keyOf(layerId: string, id: string): string {
  return `${layerId}/${id}`;
}
