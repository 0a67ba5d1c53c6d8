import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Which tiles a cache region holds. Overlapping regions share tile rows; this membership says who
 * still needs a tile, so deleting one region releases exactly the tiles nobody else uses.
 */
@Entity('region_tile')
@Index(['sourceId', 'z', 'x', 'y'])
export class RegionTileEntity {
  @PrimaryColumn({ type: 'uuid' })
  regionId!: string;

  @PrimaryColumn({ type: 'smallint' })
  z!: number;

  @PrimaryColumn({ type: 'integer' })
  x!: number;

  @PrimaryColumn({ type: 'integer' })
  y!: number;

  /** Copied from the region so "is this tile still used" is one index probe. */
  @PrimaryColumn({ type: 'uuid' })
  sourceId!: string;
}
