import { Injectable } from '@nestjs/common';
import { Principal } from '@map-offline/auth';
import { assertObjectId, DomainError, DomainErrorCode, invalidInput, notFound } from '@map-offline/contracts';
import { assertPropertySchema, PropertySchema } from '@map-offline/crdt';
import { LayerEntity, SyncLayerRepository } from '@map-offline/entities';
import { checkSyncInput } from './sync-errors';
import { CreateLayerInput } from './sync-layer.model';

/** Layers and their merge rules; a layer of another organisation is "not found". */
@Injectable()
export class SyncLayersService {
  constructor(private readonly layers: SyncLayerRepository) {}

  async create(principal: Principal, input: CreateLayerInput): Promise<LayerEntity> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200)
      throw invalidInput('input.name', 'must be 1 to 200 characters');
    let propertySchema: PropertySchema | null = null;
    if (input.propertySchema !== undefined && input.propertySchema !== null) {
      const schema = input.propertySchema;
      propertySchema = checkSyncInput(() => assertPropertySchema(schema), 'input');
    }
    const layer = await this.layers.create({
      organisationId: principal.organisationId,
      name,
      fieldPolicy: input.conflictPolicy,
      deleteRule: input.deleteRule,
      propertySchema,
      createdBy: principal.clientId ?? principal.subject,
    });
    if (layer === null) {
      throw new DomainError(DomainErrorCode.CONFLICT, `a layer named "${name}" already exists`, {
        field: 'input.name',
      });
    }
    return layer;
  }

  async find(organisationId: string, id: string): Promise<LayerEntity> {
    assertObjectId('layer', id);
    const layer = await this.layers.find(organisationId, id);
    if (layer === null) throw notFound('layer', id);
    return layer;
  }

  list(organisationId: string, first: number, offset: number): Promise<LayerEntity[]> {
    return this.layers.list(organisationId, first, offset);
  }
}
