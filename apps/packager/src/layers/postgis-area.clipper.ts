import { Injectable } from '@nestjs/common';
import type { Geometry } from 'geojson';
import { DataSource, QueryFailedError } from 'typeorm';
import { AreaClipper, UnclippableGeometryError, type ClipOutcome } from './area-clipper.port';

/** Decimal places kept in clipped coordinates: 9 is about 0.1 mm, as PostGIS stores region areas. */
const CLIPPED_DECIMALS = 9;

interface ClipRow {
  position: string;
  intersects: boolean;
  covered: boolean;
  clipped: string | null;
}

/**
 * Clips in PostGIS against the union of the regions' areas. A geometry wholly inside is kept as given;
 * one that crosses the edge is replaced by the part inside, of the same dimension (a polygon stays a
 * polygon, no slivers of boundary lines); one wholly outside is dropped. Invalid input is made valid first.
 */
@Injectable()
export class PostgisAreaClipper extends AreaClipper {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async clip(regionIds: readonly string[], geometries: readonly Geometry[]): Promise<ClipOutcome[]> {
    if (geometries.length === 0) return [];
    const rows = await this.query(regionIds, geometries);
    const outcomes: ClipOutcome[] = geometries.map(() => ({ kind: 'outside' }));
    for (const row of rows) {
      const index = Number(row.position) - 1;
      if (!row.intersects) outcomes[index] = { kind: 'outside' };
      else if (row.covered || row.clipped === null) outcomes[index] = { kind: 'inside' };
      else outcomes[index] = { kind: 'clipped', geometry: JSON.parse(row.clipped) as Geometry };
    }
    return outcomes;
  }

  private async query(regionIds: readonly string[], geometries: readonly Geometry[]): Promise<ClipRow[]> {
    try {
      return await this.dataSource.query(
        `WITH area AS (
         SELECT ST_Union(area) AS geom FROM cache_region WHERE id = ANY($1::uuid[])),
       input AS (
         SELECT position, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(value::text), 4326)) AS geom
           FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS item(value, position)),
       tested AS (
         SELECT i.position, i.geom, a.geom AS area,
                COALESCE(ST_CoveredBy(i.geom, a.geom), false) AS covered,
                COALESCE(ST_Intersects(i.geom, a.geom), false) AS intersects
           FROM input i CROSS JOIN area a),
       clipped AS (
         SELECT position, covered, intersects,
                CASE WHEN intersects AND NOT covered
                     THEN ST_CollectionExtract(ST_Intersection(geom, area), ST_Dimension(geom) + 1)
                END AS part
           FROM tested)
       SELECT position, covered,
              intersects AND (covered OR NOT ST_IsEmpty(part)) AS intersects,
              CASE WHEN part IS NOT NULL AND NOT ST_IsEmpty(part) THEN ST_AsGeoJSON(part, $3) END AS clipped
         FROM clipped
        ORDER BY position`,
        [regionIds, JSON.stringify(geometries), CLIPPED_DECIMALS],
      );
    } catch (error) {
      // PostGIS refuses unreadable GeoJSON (class 22 data exceptions, XX000 from the GeoJSON parser).
      if (error instanceof QueryFailedError)
        throw new UnclippableGeometryError(`PostGIS refused a geometry: ${error.message}`);
      throw error;
    }
  }
}
