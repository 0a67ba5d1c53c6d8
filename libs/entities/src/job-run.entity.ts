import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

export type JobKind = 'cache-region' | 'refresh-region' | 'delete-region' | 'build-package' | 'sync-batch';
export type JobState = 'queued' | 'active' | 'paused' | 'completed' | 'failed' | 'cancelled';

/**
 * Durable history of every job a user or system asked for. Redis keeps only recent BullMQ jobs;
 * this row is what the API reports and what survives a Redis loss.
 */
@Entity('job_run')
@Index(['organisationId', 'createdAt'])
@Index(['organisationId', 'idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
export class JobRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: JobKind;

  @Column({ type: 'varchar', length: 16 })
  state!: JobState;

  /** The region, package or sync batch the job works on. */
  @Column({ type: 'uuid', nullable: true })
  subjectId!: string | null;

  /** A caller-chosen key: the same key returns the same job instead of creating another. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  idempotencyKey!: string | null;

  /** Who asked: the token subject or client id. */
  @Column({ type: 'varchar', length: 200 })
  requestedBy!: string;

  /** Units of work (tiles, changes) in total and done, for progress and ETA. */
  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  totalUnits!: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintAsNumber })
  doneUnits!: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  progress!: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
