import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type TileScheme = 'xyz' | 'tms';
export type TileFormat = 'png' | 'jpeg' | 'webp' | 'mvt';

/** An upstream XYZ/TMS tile server an organisation caches from. */
@Entity('tile_source')
@Index(['organisationId', 'name'], { unique: true })
export class TileSourceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Placeholders: {z} {x} {y} {-y} {s} {quadkey}. */
  @Column({ type: 'varchar', length: 2048 })
  urlTemplate!: string;

  @Column({ type: 'varchar', length: 8 })
  scheme!: TileScheme;

  @Column({ type: 'varchar', length: 8 })
  format!: TileFormat;

  @Column({ type: 'smallint' })
  minZoom!: number;

  @Column({ type: 'smallint' })
  maxZoom!: number;

  @Column({ type: 'varchar', length: 1000, default: '' })
  attribution!: string;

  /** Values substituted for {s}, e.g. ["a", "b", "c"]. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  subdomains!: string[];

  /** Politeness toward the upstream: requests per second across all seeders. */
  @Column({ type: 'real' })
  maxRequestsPerSecond!: number;

  /** Politeness toward the upstream: requests in flight per seeder process. */
  @Column({ type: 'smallint' })
  maxConcurrentRequests!: number;

  /**
   * Extra request headers (API keys). Stored here, never returned by the API and never logged;
   * see docs/security.md for moving them to a secret store.
   */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  secretHeaders!: Record<string, string>;

  /** Re-encode fetched raster tiles as WebP before storing (smaller packages). */
  @Column({ type: 'boolean', default: false })
  transcodeToWebp!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
