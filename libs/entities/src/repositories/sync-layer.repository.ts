import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LayerEntity } from '../layer.entity';

export type NewLayer = Pick<
  LayerEntity,
  'organisationId' | 'name' | 'fieldPolicy' | 'deleteRule' | 'propertySchema' | 'createdBy'
>;

/** Layers of editable features; every read is scoped by organisation. */
@Injectable()
export class SyncLayerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates a layer; returns null when the organisation already has one of that name. */
  async create(layer: NewLayer): Promise<LayerEntity | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO layer (organisation_id, name, field_policy, delete_rule, property_schema, created_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)
       ON CONFLICT (organisation_id, name) DO NOTHING
       RETURNING id`,
      [
        layer.organisationId,
        layer.name,
        layer.fieldPolicy,
        layer.deleteRule,
        layer.propertySchema === null ? null : JSON.stringify(layer.propertySchema),
        layer.createdBy,
      ],
    );
    return rows.length === 0 ? null : this.find(layer.organisationId, rows[0].id);
  }

  find(organisationId: string, id: string, manager?: EntityManager): Promise<LayerEntity | null> {
    return (manager ?? this.dataSource.manager).getRepository(LayerEntity).findOneBy({ organisationId, id });
  }

  findByName(organisationId: string, name: string): Promise<LayerEntity | null> {
    return this.dataSource.getRepository(LayerEntity).findOneBy({ organisationId, name });
  }

  list(organisationId: string, first: number, offset: number): Promise<LayerEntity[]> {
    return this.dataSource.getRepository(LayerEntity).find({
      where: { organisationId },
      order: { name: 'ASC', id: 'ASC' },
      take: first,
      skip: offset,
    });
  }
}
