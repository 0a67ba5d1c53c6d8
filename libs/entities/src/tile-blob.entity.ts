import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Stored tile bytes, addressed by SHA-256. Identical tiles (open sea, blank land) of any source or
 * organisation share one blob; the object key is derived from the hash.
 *
 * References are not counted in a column: a blob is in use while a tile row points at it (indexed
 * tile.blob_sha256). A counter would drift when a batch is retried after a crash; the derived check
 * cannot. The garbage collector and the seeder coordinate through row locks (docs/architecture.md).
 */
@Entity('tile_blob')
export class TileBlobEntity {
  /** lower-case hex SHA-256 of the stored bytes */
  @PrimaryColumn({ type: 'char', length: 64 })
  sha256!: string;

  /** bytes */
  @Column({ type: 'integer' })
  sizeBytes!: number;

  @Column({ type: 'varchar', length: 100 })
  contentType!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
