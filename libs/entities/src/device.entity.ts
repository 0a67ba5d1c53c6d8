import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

/** A field device that has pushed edits: when it was seen and how much it sent. */
@Entity('device')
export class DeviceEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  organisationId!: string;

  /** the id the device uses in its vector clocks; never `server:...` (reserved for server-side writers) */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Column({ type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ type: 'uuid' })
  lastBatchId!: string;

  @Column({ type: 'integer', default: 0 })
  batches!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  changes!: number;
}
