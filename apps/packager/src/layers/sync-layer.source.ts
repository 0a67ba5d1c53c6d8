import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A sync layer the package names is gone (deleted since the request): the layer's fault. */
export class SyncLayerMissingError extends Error {
  constructor(layerId: string) {
    super(`sync layer ${layerId} does not exist`);
    this.name = 'SyncLayerMissingError';
  }
}

/**
 * The live features of an offline-edit-sync layer as a GeoJSON FeatureCollection: a port, so layer
 * preparation is tested without a database.
 */
export abstract class SyncLayerSource {
  abstract featureCollection(organisationId: string, layerId: string): Promise<Record<string, unknown>>;
}

/** Decimal places of exported coordinates: 9 is about 0.1 mm, what PostGIS keeps. */
const EXPORT_DECIMALS = 9;

interface FeatureRow {
  id: string;
  properties: Record<string, unknown>;
  geometry: string | null;
}

/**
 * Reads the features in force (not deleted) of a sync layer, scoped by organisation, with the geometry
 * PostGIS holds (2D) and the properties in force; the feature UUID becomes the GeoJSON id.
 */
@Injectable()
export class PostgisSyncLayerSource extends SyncLayerSource {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async featureCollection(organisationId: string, layerId: string): Promise<Record<string, unknown>> {
    const layers: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM layer WHERE id = $1 AND organisation_id = $2`,
      [layerId, organisationId],
    );
    if (layers.length === 0) throw new SyncLayerMissingError(layerId);
    const rows: FeatureRow[] = await this.dataSource.query(
      `SELECT id, properties, ST_AsGeoJSON(geometry, $3) AS geometry
         FROM feature
        WHERE layer_id = $1 AND organisation_id = $2 AND NOT deleted
        ORDER BY id`,
      [layerId, organisationId, EXPORT_DECIMALS],
    );
    return {
      type: 'FeatureCollection',
      features: rows.map((row) => ({
        type: 'Feature',
        id: row.id,
        properties: row.properties,
        geometry: row.geometry === null ? null : (JSON.parse(row.geometry) as unknown),
      })),
    };
  }
}
