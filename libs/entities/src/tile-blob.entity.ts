import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

/**
 * Stored tile bytes, addressed by SHA-256. Identical tiles (open sea, blank land) of any source or
 * organisation share one blob; the object key is derived from the hash.
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

  /** Tile index rows and package pins that use this blob; the garbage collector removes it at zero. */
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  referenceCount!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
