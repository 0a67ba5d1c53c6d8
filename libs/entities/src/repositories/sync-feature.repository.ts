import { Injectable } from '@nestjs/common';
import type { Geometry } from 'geojson';
import { DataSource, EntityManager } from 'typeorm';
import type { FeatureState, JsonValue, VectorClock } from '@map-offline/crdt';

/** What the merge writes for one feature: the merged state and the values in force derived from it. */
export interface FeatureStateWrite {
  id: string;
  state: FeatureState;
  deleted: boolean;
  geometry: Geometry | null;
  properties: Record<string, JsonValue>;
  versionVector: VectorClock;
  openConflicts: number;
  /** server sequence of the last change of this merge that altered the feature */
  sequence: number;
}

/** Feature rows encoded by `encodeStates`, waiting for their sequences. */
export interface EncodedFeatureStates {
  count: number;
  json: string;
}

/** A locked feature: its sequence (null = nothing merged yet) and state ('known' = the caller's). */
export interface LockedFeature {
  sequence: number | null;
  state: FeatureState | null | 'known';
}

export interface StoredFeature {
  layerId: string;
  id: string;
  state: FeatureState;
  sequence: number;
}

/** [west, south, east, north] in degrees; west > east crosses the antimeridian. */
export type BoundingBox = [number, number, number, number];

interface StoredFeatureRow {
  layer_id: string;
  id: string;
  state: FeatureState;
  sequence: string;
}

const FEATURE_COLUMNS = 'layer_id, id, state, sequence';

/**
 * Features in SQL. The merge locks exactly the features a batch touches, always in id order so two
 * merges that share features wait for each other instead of deadlocking.
 */
@Injectable()
export class SyncFeatureRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks the features, in id order, and returns the sequence each holds (null = no change merged
   * yet) with its state, unless the caller already holds the state at that sequence (`known`: id ->
   * sequence). Rows for new ids are created first, so a new feature is locked like an existing one
   * and two merges creating it wait for each other. One round trip in the usual case.
   */
  async lockFeatures(
    manager: EntityManager,
    organisationId: string,
    layerId: string,
    ids: readonly string[],
    known: ReadonlyMap<string, number> = new Map(),
  ): Promise<Map<string, LockedFeature>> {
    const sorted = [...new Set(ids)].sort();
    const knownSequences = sorted.map((id) => known.get(id) ?? null);
    // Each wanted id is looked up on its own through the primary key (LATERAL ... OFFSET 0 keeps the
    // planner from turning it into a join), in id order, and the layer id reaches the planner as an
    // InitPlan's output, whose value it cannot see. Both on purpose: a layer created or grown since the
    // last ANALYZE is estimated at one row, and the plain join was then planned as a read of every
    // feature of the layer (a hash join, or a scan of another index on layer_id) on every merge.
    // The SELECT runs on the statement's snapshot, so it cannot see the rows its own INSERT creates:
    // those are returned by the INSERT (new rows are ours until commit, nobody else can hold them).
    const rows: { id: string; sequence: string | null; state: FeatureState | null; known: boolean }[] =
      await manager.query(
        `WITH wanted AS MATERIALIZED (
           SELECT * FROM unnest($3::uuid[], $4::bigint[]) AS w(id, known_sequence) ORDER BY id
         ), created AS (
           INSERT INTO feature (layer_id, id, organisation_id)
           SELECT $1, wanted.id, $2 FROM wanted ORDER BY wanted.id
           ON CONFLICT (layer_id, id) DO NOTHING
           RETURNING id
         ), locked AS (
           SELECT f.id, f.sequence,
                  CASE WHEN f.sequence = w.known_sequence THEN NULL ELSE f.state END AS state,
                  f.sequence = w.known_sequence AS known
             FROM wanted AS w CROSS JOIN LATERAL (
                  SELECT id, sequence, state FROM feature
                   WHERE layer_id = (SELECT $1::uuid) AND id = w.id
                     FOR UPDATE OFFSET 0
                ) AS f
         )
         SELECT id, NULL::bigint AS sequence, NULL::json AS state, false AS known FROM created
         UNION ALL
         SELECT id, sequence, state, COALESCE(known, false) FROM locked`,
        [layerId, organisationId, sorted, knownSequences],
      );
    const locked = new Map<string, LockedFeature>();
    for (const row of rows) {
      locked.set(row.id, {
        sequence: row.sequence === null ? null : Number(row.sequence),
        state: row.known ? 'known' : row.state,
      });
    }
    // A feature another merge created after this statement's snapshot was taken (our INSERT waited
    // for it): lock it now, on a fresh snapshot.
    const late = sorted.filter((id) => !locked.has(id));
    if (late.length > 0) {
      const more: { id: string; sequence: string | null; state: FeatureState | null }[] = await manager.query(
        `SELECT id, sequence, state FROM feature
          WHERE layer_id = (SELECT $1::uuid) AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
        [layerId, late],
      );
      for (const row of more) {
        const sequence = row.sequence === null ? null : Number(row.sequence);
        const held = sequence !== null && known.get(row.id) === sequence;
        locked.set(row.id, { sequence, state: held ? 'known' : row.state });
      }
    }
    return locked;
  }

  /** The merged states of these features (absent = none yet), with their sequences. */
  async readStates(
    manager: EntityManager,
    layerId: string,
    ids: readonly string[],
  ): Promise<Map<string, { state: FeatureState; sequence: number }>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; state: FeatureState; sequence: string }[] = await manager.query(
      `SELECT id, state, sequence FROM feature WHERE layer_id = $1 AND id = ANY($2::uuid[]) AND state IS NOT NULL`,
      [layerId, [...new Set(ids)]],
    );
    return new Map(rows.map((row) => [row.id, { state: row.state, sequence: Number(row.sequence) }]));
  }

  /** Writes merged states; the geometry column is 2D for the spatial index (the state keeps Z). */
  async writeStates(
    manager: EntityManager,
    layerId: string,
    writes: readonly FeatureStateWrite[],
  ): Promise<void> {
    await this.writeEncodedStates(
      manager,
      layerId,
      this.encodeStates(writes),
      writes.map((write) => write.sequence),
    );
  }

  /**
   * The rows of writeStates as the statement takes them, without their sequences: a merge encodes
   * them (a few milliseconds of JSON for a few hundred features) while PostgreSQL appends the change
   * log that hands the sequences out.
   */
  encodeStates(writes: readonly Omit<FeatureStateWrite, 'sequence'>[]): EncodedFeatureStates {
    const records = writes.map((write) => ({
      id: write.id,
      state: write.state,
      deleted: write.deleted,
      geometry: write.geometry,
      properties: write.properties,
      version_vector: write.versionVector,
      open_conflicts: write.openConflicts,
    }));
    return { count: writes.length, json: JSON.stringify(records) };
  }

  /** writeStates for encoded rows; `sequences[i]` is the sequence of the i-th row. */
  async writeEncodedStates(
    manager: EntityManager,
    layerId: string,
    encoded: EncodedFeatureStates,
    sequences: readonly number[],
  ): Promise<void> {
    if (encoded.count === 0) return;
    if (sequences.length !== encoded.count) {
      throw new Error(`writeEncodedStates: ${encoded.count} rows but ${sequences.length} sequences`);
    }
    // json in, json columns: PostgreSQL checks the text once instead of building jsonb trees (see the
    // 1764500000000 migration); the geometry's GeoJSON goes to PostGIS as text. Each row is found
    // through the primary key, then updated by its ctid (stable: lockFeatures holds the row), for
    // the reason given in lockFeatures. Rows and sequences are paired by position.
    await manager.query(
      `UPDATE feature AS f
          SET state = r.state, deleted = r.deleted, properties = r.properties,
              version_vector = r.version_vector, open_conflicts = r.open_conflicts, sequence = s.sequence,
              geometry = CASE WHEN r.geometry IS NULL OR r.geometry::text = 'null' THEN NULL
                              ELSE ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(r.geometry::text), 4326)) END,
              updated_at = now()
         FROM ROWS FROM (json_to_recordset($2::json) AS (id uuid, state json, deleted boolean, geometry json,
                properties json, version_vector json, open_conflicts integer))
              WITH ORDINALITY AS r(id, state, deleted, geometry, properties, version_vector, open_conflicts,
                position)
              JOIN unnest($3::bigint[]) WITH ORDINALITY AS s(sequence, position) ON s.position = r.position
              CROSS JOIN LATERAL (
                SELECT ctid AS target FROM feature WHERE layer_id = (SELECT $1::uuid) AND id = r.id OFFSET 0
              ) AS found
        WHERE f.ctid = found.target`,
      [layerId, encoded.json, sequences],
    );
  }

  /** Every feature changed after `since` (tombstones included), oldest change first. */
  async changedSince(
    organisationId: string,
    layerId: string,
    since: number,
    first: number,
  ): Promise<StoredFeature[]> {
    const rows: StoredFeatureRow[] = await this.dataSource.query(
      `SELECT ${FEATURE_COLUMNS} FROM feature
        WHERE layer_id = $1 AND organisation_id = $2 AND sequence > $3
        ORDER BY sequence LIMIT $4`,
      [layerId, organisationId, since, first],
    );
    return rows.map(toStoredFeature);
  }

  /** Features whose geometry meets the box (or all with bbox null), in id order after `after`. */
  async within(
    organisationId: string,
    layerId: string,
    bbox: BoundingBox | null,
    options: { first: number; after: string | null; includeDeleted: boolean },
  ): Promise<StoredFeature[]> {
    const values: unknown[] = [layerId, organisationId, options.includeDeleted, options.after, options.first];
    let spatial = '';
    if (bbox !== null) {
      const [west, south, east, north] = bbox;
      // A box across the antimeridian is two boxes.
      const boxes: BoundingBox[] =
        west <= east
          ? [bbox]
          : [
              [west, south, 180, north],
              [-180, south, east, north],
            ];
      const conditions = boxes.map((box) => {
        const first = values.length + 1;
        values.push(...box);
        const envelope = `ST_MakeEnvelope($${first}, $${first + 1}, $${first + 2}, $${first + 3}, 4326)`;
        return `(geometry && ${envelope} AND ST_Intersects(geometry, ${envelope}))`;
      });
      spatial = `AND (${conditions.join(' OR ')})`;
    }
    const rows: StoredFeatureRow[] = await this.dataSource.query(
      `SELECT ${FEATURE_COLUMNS} FROM feature
        WHERE layer_id = $1 AND organisation_id = $2 AND state IS NOT NULL AND ($3::boolean OR NOT deleted)
          AND ($4::uuid IS NULL OR id > $4::uuid) ${spatial}
        ORDER BY id LIMIT $5`,
      values,
    );
    return rows.map(toStoredFeature);
  }

  async find(organisationId: string, layerId: string, id: string): Promise<StoredFeature | null> {
    const rows: StoredFeatureRow[] = await this.dataSource.query(
      `SELECT ${FEATURE_COLUMNS} FROM feature
        WHERE layer_id = $1 AND organisation_id = $2 AND id = $3 AND state IS NOT NULL`,
      [layerId, organisationId, id],
    );
    return rows.length === 0 ? null : toStoredFeature(rows[0]);
  }
}

function toStoredFeature(row: StoredFeatureRow): StoredFeature {
  return { layerId: row.layer_id, id: row.id, state: row.state, sequence: Number(row.sequence) };
}
