import type { Geometry } from 'geojson';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FeatureState, JsonValue, VectorClock } from '@map-offline/crdt';
import { bigintAsNumber } from './column-transformers';

/**
 * One feature of a layer: its field-level CRDT state (the truth, merged by the sync-merger) and the
 * values in force derived from it, for spatial queries and downloads. The id is the UUID the device
 * made when it created the feature; it is never renumbered.
 */
@Entity('feature')
@Index(['layerId', 'sequence'])
export class FeatureEntity {
  @PrimaryColumn({ type: 'uuid' })
  layerId!: string;

  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  /**
   * libs/crdt FeatureState; null only inside the merge transaction that creates the row (the row is
   * inserted first so that it can be locked like an existing one).
   */
  @Column({ type: 'json', nullable: true })
  state!: FeatureState | null;

  /** the tombstone in force */
  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  /** the geometry in force, flattened to 2D for the spatial index (the state keeps the original) */
  @Index({ spatial: true })
  @Column({ type: 'geometry', spatialFeatureType: 'Geometry', srid: 4326, nullable: true })
  geometry!: Geometry | null;

  /** the property values in force */
  @Column({ type: 'json', default: () => "'{}'" })
  properties!: Record<string, JsonValue>;

  @Column({ type: 'json', default: () => "'{}'" })
  versionVector!: VectorClock;

  /** open conflicts in the state */
  @Column({ type: 'integer', default: 0 })
  openConflicts!: number;

  /**
   * The server sequence of the last change that altered the feature: the pull cursor. Assigned in
   * commit order per layer, so a device that pulls "after n" never misses a later commit.
   */
  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  sequence!: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
