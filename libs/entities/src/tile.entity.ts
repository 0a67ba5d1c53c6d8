import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type TileStatus = 'stored' | 'empty' | 'failed';

/**
 * The tile index: which blob holds tile (z, x, y) of a source. Overlapping regions share rows,
 * so a tile is fetched once.
 */
@Entity('tile')
@Index(['blobSha256'])
export class TileEntity {
  @PrimaryColumn({ type: 'uuid' })
  sourceId!: string;

  @PrimaryColumn({ type: 'smallint' })
  z!: number;

  @PrimaryColumn({ type: 'integer' })
  x!: number;

  /** XYZ row (north at 0), whatever the source's scheme. */
  @PrimaryColumn({ type: 'integer' })
  y!: number;

  @Column({ type: 'varchar', length: 8 })
  status!: TileStatus;

  /** null for empty (404/204) and failed tiles */
  @Column({ type: 'char', length: 64, nullable: true })
  blobSha256!: string | null;

  /** Upstream validator for conditional refresh (If-None-Match). */
  @Column({ type: 'varchar', length: 256, nullable: true })
  etag!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz' })
  fetchedAt!: Date;

  @Column({ type: 'varchar', length: 500, nullable: true })
  failureReason!: string | null;
}
