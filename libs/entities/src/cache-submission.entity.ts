import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A bulk submission from another system. The same idempotency key returns the same jobs; the request
 * hash catches a key reused for a different request.
 */
@Entity('cache_submission')
@Index(['organisationId', 'idempotencyKey'], { unique: true })
export class CacheSubmissionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'varchar', length: 200 })
  idempotencyKey!: string;

  /** hex SHA-256 of the canonical request JSON */
  @Column({ type: 'char', length: 64 })
  requestSha256!: string;

  /** One entry per submitted input, in order: the job run id, or the rejection reason. */
  @Column({ type: 'jsonb' })
  results!: {
    index: number;
    jobRunId?: string;
    regionId?: string;
    error?: { code: string; message: string };
  }[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
