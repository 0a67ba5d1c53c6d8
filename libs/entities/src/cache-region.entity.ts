import type { MultiPolygon } from 'geojson';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintAsNumber } from './column-transformers';
import { TileSourceEntity } from './tile-source.entity';

/** queued -> running -> completed | failed | cancelled; paused <-> running; deleting until removed. */
export type CacheRegionStatus =
  'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'deleting';

/** An area an organisation caches for a zoom range from one source. */
@Entity('cache_region')
@Index(['organisationId', 'createdAt'])
export class CacheRegionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'uuid' })
  sourceId!: string;

  @ManyToOne(() => TileSourceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'source_id' })
  source?: TileSourceEntity;

  /** The area in EPSG:4326; a bbox is stored as a one-polygon MultiPolygon. */
  @Index({ spatial: true })
  @Column({ type: 'geometry', spatialFeatureType: 'MultiPolygon', srid: 4326 })
  area!: MultiPolygon;

  @Column({ type: 'smallint' })
  minZoom!: number;

  @Column({ type: 'smallint' })
  maxZoom!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: CacheRegionStatus;

  /** Tiles in the cover, counted when the region is created. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  tileCount!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  tilesDone!: number;

  /** Upstream answered 404/204: recorded as an empty tile, not an error. */
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  tilesEmpty!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  tilesFailed!: number;

  /** bytes of all tiles in the region before de-duplication */
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  logicalBytes!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
