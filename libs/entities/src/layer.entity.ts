import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DeleteRule, FieldPolicy, PropertySchema } from '@map-offline/crdt';

/**
 * A layer of editable features (trees, waterpoints, incidents) and the rules its edits merge by. The
 * rules never change after creation: every server must merge the same changes the same way.
 */
@Entity('layer')
@Index(['organisationId', 'name'], { unique: true })
export class LayerEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  organisationId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** how concurrent writes of one field merge (libs/crdt FieldPolicy) */
  @Column({ type: 'varchar', length: 24 })
  fieldPolicy!: FieldPolicy;

  /** what a delete concurrent with an update does (libs/crdt DeleteRule) */
  @Column({ type: 'varchar', length: 16 })
  deleteRule!: DeleteRule;

  /** optional JSON Schema subset every change's properties must follow */
  @Column({ type: 'jsonb', nullable: true })
  propertySchema!: PropertySchema | null;

  @Column({ type: 'varchar', length: 200 })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
