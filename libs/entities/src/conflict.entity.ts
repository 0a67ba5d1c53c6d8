import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ConflictKind, FieldName, FieldWrite, VectorClock } from '@map-offline/crdt';

/** OPEN until a resolution closes it (RESOLVED) or later edits replace it (SUPERSEDED). */
export type ConflictStatus = 'OPEN' | 'RESOLVED' | 'SUPERSEDED';

/**
 * A field of a feature in conflict. The id is derived from the layer, feature, field, kind and the
 * clocks of the writes involved, so the same conflict gets the same id however often, and in
 * whichever order, its changes arrive.
 */
@Entity('conflict')
@Index(['organisationId', 'layerId', 'status', 'createdAt'])
@Index(['layerId', 'featureId'])
export class ConflictEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'uuid' })
  layerId!: string;

  @Column({ type: 'uuid' })
  featureId!: string;

  /** `geometry`, `deleted` or `properties.<key>` */
  @Column({ type: 'varchar', length: 300 })
  field!: FieldName;

  @Column({ type: 'varchar', length: 24 })
  kind!: ConflictKind;

  @Column({ type: 'varchar', length: 16 })
  status!: ConflictStatus;

  /** every concurrent write of the field (the same on every server) */
  @Column({ type: 'json' })
  candidates!: FieldWrite<unknown>[];

  /** MANUAL: the latest changes that did not see the write under review */
  @Column({ type: 'json', nullable: true })
  concurrentWith!: VectorClock[] | null;

  /** the writes already on this server when the conflicting change arrived */
  @Column({ type: 'json' })
  serverWrites!: FieldWrite<unknown>[];

  /** the write of the change that opened the conflict, if it wrote the field */
  @Column({ type: 'json', nullable: true })
  deviceWrite!: FieldWrite<unknown> | null;

  /** the clock the device last synced (its common ancestor with the server), when it sent one */
  @Column({ type: 'json', nullable: true })
  baseClock!: VectorClock | null;

  /** server sequence of the change that opened it */
  @Column({ type: 'bigint' })
  openedSequence!: string;

  @Column({ type: 'bigint', nullable: true })
  closedSequence!: string | null;

  /** who resolved it and how: { resolution, by, value | removed } */
  @Column({ type: 'json', nullable: true })
  resolution!: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}
