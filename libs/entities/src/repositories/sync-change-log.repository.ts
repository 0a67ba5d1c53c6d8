import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Change, FieldName, VectorClock } from '@map-offline/crdt';
import { LoggedChangeOutcome } from '../feature-change.entity';

/** One change to append to the log. */
export interface LoggedChange {
  batchId: string;
  featureId: string;
  changeIndex: number;
  change: Change;
  outcome: LoggedChangeOutcome;
  mergedFields: FieldName[];
  discardedFields: FieldName[];
  conflictIds: string[];
}

/** A change as the history shows it. */
export interface ChangeLogEntry {
  sequence: number;
  layerId: string;
  featureId: string;
  batchId: string;
  changeIndex: number;
  deviceId: string;
  change: Change;
  clock: VectorClock;
  hlc: string;
  outcome: LoggedChangeOutcome;
  mergedFields: FieldName[];
  discardedFields: FieldName[];
  conflictIds: string[];
  recordedAt: Date;
}

interface ChangeLogRow {
  sequence: string;
  layer_id: string;
  feature_id: string;
  batch_id: string;
  change_index: number;
  device_id: string;
  change: Change;
  clock: VectorClock;
  hlc: string;
  outcome: LoggedChangeOutcome;
  merged_fields: FieldName[];
  discarded_fields: FieldName[];
  conflict_ids: string[];
  recorded_at: Date;
}

/** Names one change of one batch in the sequences `append` returns. */
export function sequenceKey(batchId: string, changeIndex: number): string {
  return `${batchId}/${changeIndex}`;
}

/** First key of the two-key advisory locks sync takes ("sy"), so they never meet anyone else's keys. */
const LAYER_SEQUENCE_LOCK_CLASS = 0x7379;

/** The append-only change log; its bigserial is the server sequence. */
@Injectable()
export class SyncChangeLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Serialises the end of merges into one layer until commit. Sequences are then handed out in commit
   * order within the layer, so a device pulling "after n" can never miss a change that commits later
   * with a smaller number. Take it after the feature locks and right before `append`: it is held only
   * for the writes that follow.
   */
  async lockLayerSequence(manager: EntityManager, layerId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock($1::integer, hashtext($2))`, [
      LAYER_SEQUENCE_LOCK_CLASS,
      layerId,
    ]);
  }

  /**
   * Takes the layer's sequence lock (see `lockLayerSequence`) and appends in the given order (batch by
   * batch, each in change order), in one statement; returns the sequence of each change by
   * `sequenceKey(batchId, changeIndex)`.
   */
  async append(
    manager: EntityManager,
    organisationId: string,
    layerId: string,
    changes: readonly LoggedChange[],
  ): Promise<Map<string, number>> {
    if (changes.length === 0) return new Map();
    const records = changes.map((entry, position) => ({
      position,
      batch_id: entry.batchId,
      feature_id: entry.featureId,
      change_index: entry.changeIndex,
      device_id: entry.change.deviceId,
      op: entry.change.op,
      clock: entry.change.clock,
      hlc: entry.change.hlc,
      change: entry.change,
      outcome: entry.outcome,
      merged_fields: entry.mergedFields,
      discarded_fields: entry.discardedFields,
      conflict_ids: entry.conflictIds,
    }));
    const rows: { sequence: string; batch_id: string; change_index: number }[] = await manager.query(
      // The lock is a materialised CTE joined in first: it is held before any sequence is drawn.
      `WITH sequence_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock($4::integer, hashtext($2::uuid::text)))
       INSERT INTO feature_change (organisation_id, layer_id, feature_id, batch_id, change_index, device_id, op,
                                   clock, hlc, change, outcome, merged_fields, discarded_fields, conflict_ids)
       SELECT $1, $2, r.feature_id, r.batch_id, r.change_index, r.device_id, r.op, r.clock, r.hlc, r.change,
              r.outcome, r.merged_fields, r.discarded_fields, r.conflict_ids
         FROM sequence_lock, json_to_recordset($3::json) AS r(position integer, batch_id uuid, feature_id uuid,
              change_index integer, device_id varchar, op varchar, clock json, hlc varchar, change json,
              outcome varchar, merged_fields json, discarded_fields json, conflict_ids uuid[])
        ORDER BY r.position
       RETURNING sequence, batch_id, change_index`,
      [organisationId, layerId, JSON.stringify(records), LAYER_SEQUENCE_LOCK_CLASS],
    );
    return new Map(rows.map((row) => [sequenceKey(row.batch_id, row.change_index), Number(row.sequence)]));
  }

  /** A feature's changes in server order (in every layer of the organisation that has the id). */
  async history(
    organisationId: string,
    featureId: string,
    first: number,
    after: number,
  ): Promise<ChangeLogEntry[]> {
    const rows: ChangeLogRow[] = await this.dataSource.query(
      `SELECT * FROM feature_change
        WHERE organisation_id = $1 AND feature_id = $2 AND sequence > $3
        ORDER BY sequence LIMIT $4`,
      [organisationId, featureId, after, first],
    );
    return rows.map(toEntry);
  }

  /** Every logged change of one feature of one layer, in server order (to rebuild past versions). */
  async changesOf(organisationId: string, layerId: string, featureId: string): Promise<ChangeLogEntry[]> {
    const rows: ChangeLogRow[] = await this.dataSource.query(
      `SELECT * FROM feature_change
        WHERE organisation_id = $1 AND feature_id = $2 AND layer_id = $3
        ORDER BY sequence`,
      [organisationId, featureId, layerId],
    );
    return rows.map(toEntry);
  }
}

function toEntry(row: ChangeLogRow): ChangeLogEntry {
  return {
    sequence: Number(row.sequence),
    layerId: row.layer_id,
    featureId: row.feature_id,
    batchId: row.batch_id,
    changeIndex: row.change_index,
    deviceId: row.device_id,
    change: row.change,
    clock: row.clock,
    hlc: row.hlc,
    outcome: row.outcome,
    mergedFields: row.merged_fields,
    discardedFields: row.discarded_fields,
    conflictIds: row.conflict_ids,
    recordedAt: row.recorded_at,
  };
}
