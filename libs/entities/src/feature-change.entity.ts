import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Change, FieldName, VectorClock } from '@map-offline/crdt';

/** What applying a change did (libs/crdt ApplyOutcome, without DUPLICATE: duplicates change nothing). */
export type LoggedChangeOutcome = 'APPLIED' | 'MERGED' | 'CONFLICT';

/**
 * The append-only change log: every change that altered a feature, in the order this server applied
 * it. `sequence` is the server sequence (pull cursor and audit order); losing versions stay here
 * after a conflict is resolved.
 */
@Entity('feature_change')
@Index(['organisationId', 'featureId', 'sequence'])
export class FeatureChangeEntity {
  /** bigserial; pg returns it as a decimal string (repositories convert it to a number) */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  sequence!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'uuid' })
  layerId!: string;

  @Column({ type: 'uuid' })
  featureId!: string;

  /** the batch that carried it (a device push or a conflict resolution) */
  @Column({ type: 'uuid' })
  batchId!: string;

  /** position in the batch */
  @Column({ type: 'integer' })
  changeIndex!: number;

  @Column({ type: 'varchar', length: 128 })
  deviceId!: string;

  @Column({ type: 'varchar', length: 8 })
  op!: Change['op'];

  @Column({ type: 'json' })
  clock!: VectorClock;

  /** encoded HLC; plain string order is time order */
  @Column({ type: 'varchar', length: 160 })
  hlc!: string;

  /** the validated change as applied */
  @Column({ type: 'json' })
  change!: Change;

  @Column({ type: 'varchar', length: 16 })
  outcome!: LoggedChangeOutcome;

  @Column({ type: 'json', default: () => "'[]'" })
  mergedFields!: FieldName[];

  @Column({ type: 'json', default: () => "'[]'" })
  discardedFields!: FieldName[];

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  conflictIds!: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt!: Date;
}
