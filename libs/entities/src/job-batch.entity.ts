import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Batches of a job that have finished. Marking a batch in the same transaction as its results makes
 * progress exact when BullMQ redelivers a batch after a crash: the second delivery finds the mark.
 */
@Entity('job_batch')
export class JobBatchEntity {
  @PrimaryColumn({ type: 'uuid' })
  jobRunId!: string;

  /** e.g. "z12-1500": zoom and offset in the cover stream */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  batchKey!: string;

  /** units (tiles) the batch covered */
  @Column({ type: 'integer' })
  units!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  finishedAt!: Date;
}
