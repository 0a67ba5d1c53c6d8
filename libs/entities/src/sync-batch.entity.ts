import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `device`: edits pushed by a field device; `resolution`: a reviewer's decision on a conflict; `edit`: an office edit. */
export type SyncBatchKind = 'device' | 'resolution' | 'edit';
/** queued -> merged; failed when the batch cannot be merged at all (the reason is in `error`). */
export type SyncBatchStatus = 'queued' | 'merged' | 'failed';

/** Why a change was refused before it reached the merge. */
export interface ChangeRejection {
  index: number;
  code: string;
  reason: string;
  field?: string;
}

/** What merging did with one change of the batch; never silent. */
export interface ChangeResultRecord {
  index: number;
  featureId: string | null;
  outcome: 'APPLIED' | 'MERGED' | 'CONFLICT' | 'DUPLICATE' | 'REJECTED';
  conflictIds?: string[];
  code?: string;
  reason?: string;
  field?: string;
  /** server sequence of the logged change (absent for DUPLICATE and REJECTED) */
  sequence?: number;
}

/**
 * A batch of changes exactly as pushed, stored before it is queued: if Redis loses the job, the
 * batch is still here and is queued again. The id is the device's batch id (idempotency key).
 */
@Entity('sync_batch')
@Index(['receivedAt'], { where: "status = 'queued'" })
export class SyncBatchEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  organisationId!: string;

  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: SyncBatchKind;

  @Column({ type: 'uuid' })
  layerId!: string;

  @Column({ type: 'varchar', length: 128 })
  deviceId!: string;

  /** sha256 (hex) of the request, so a retry with the same batch id but other content is refused */
  @Column({ type: 'char', length: 64 })
  requestSha256!: string;

  /** the changes as pushed (device batches) or the resolution to apply */
  @Column({ type: 'json' })
  changes!: unknown[];

  @Column({ type: 'integer' })
  changeCount!: number;

  /** changes refused at push time (HLC too far ahead), merged into the results */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  rejections!: ChangeRejection[];

  @Column({ type: 'varchar', length: 16 })
  status!: SyncBatchStatus;

  /** one entry per change, in order; null until merged */
  @Column({ type: 'json', nullable: true })
  results!: ChangeResultRecord[] | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error!: string | null;

  @Column({ type: 'uuid' })
  jobRunId!: string;

  @Column({ type: 'varchar', length: 200 })
  requestedBy!: string;

  @Column({ type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  mergedAt!: Date | null;
}
