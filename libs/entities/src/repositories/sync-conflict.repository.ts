import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ConflictKind, FieldName, FieldWrite, VectorClock } from '@map-offline/crdt';
import { ConflictEntity, ConflictStatus } from '../conflict.entity';

/** A conflict a merge opened. */
export interface OpenedConflict {
  id: string;
  organisationId: string;
  layerId: string;
  featureId: string;
  field: FieldName;
  kind: ConflictKind;
  candidates: FieldWrite<unknown>[];
  concurrentWith: VectorClock[] | null;
  serverWrites: FieldWrite<unknown>[];
  deviceWrite: FieldWrite<unknown> | null;
  baseClock: VectorClock | null;
  openedSequence: number;
}

/** A conflict a merge closed: resolved by a reviewer, or replaced by later edits. */
export interface ClosedConflict {
  id: string;
  status: Exclude<ConflictStatus, 'OPEN'>;
  closedSequence: number;
  resolution: Record<string, unknown> | null;
}

/** Conflicts for review. Ids are derived from the conflict itself, so writing one twice is harmless. */
@Injectable()
export class SyncConflictRepository {
  constructor(private readonly dataSource: DataSource) {}

  async open(manager: EntityManager, conflicts: readonly OpenedConflict[]): Promise<void> {
    if (conflicts.length === 0) return;
    const records = conflicts.map((conflict) => ({
      id: conflict.id,
      organisation_id: conflict.organisationId,
      layer_id: conflict.layerId,
      feature_id: conflict.featureId,
      field: conflict.field,
      kind: conflict.kind,
      candidates: conflict.candidates,
      concurrent_with: conflict.concurrentWith,
      server_writes: conflict.serverWrites,
      device_write: conflict.deviceWrite,
      base_clock: conflict.baseClock,
      opened_sequence: conflict.openedSequence,
    }));
    await manager.query(
      `INSERT INTO conflict (id, organisation_id, layer_id, feature_id, field, kind, status, candidates,
                             concurrent_with, server_writes, device_write, base_clock, opened_sequence)
       SELECT r.id, r.organisation_id, r.layer_id, r.feature_id, r.field, r.kind, 'OPEN', r.candidates,
              r.concurrent_with, r.server_writes, r.device_write, r.base_clock, r.opened_sequence
         FROM json_to_recordset($1::json) AS r(id uuid, organisation_id varchar, layer_id uuid, feature_id uuid,
              field varchar, kind varchar, candidates json, concurrent_with json, server_writes json,
              device_write json, base_clock json, opened_sequence bigint)
        ORDER BY r.id
       ON CONFLICT (id) DO UPDATE SET status = 'OPEN', closed_sequence = NULL, closed_at = NULL`,
      [JSON.stringify(records)],
    );
  }

  async close(manager: EntityManager, conflicts: readonly ClosedConflict[]): Promise<void> {
    if (conflicts.length === 0) return;
    const records = conflicts.map((conflict) => ({
      id: conflict.id,
      status: conflict.status,
      closed_sequence: conflict.closedSequence,
      resolution: conflict.resolution,
    }));
    await manager.query(
      `UPDATE conflict AS c
          SET status = r.status, closed_sequence = r.closed_sequence, closed_at = now(),
              resolution = COALESCE(r.resolution, c.resolution)
         FROM json_to_recordset($1::json) AS r(id uuid, status varchar, closed_sequence bigint, resolution json)
        WHERE c.id = ANY($2::uuid[]) AND c.id = r.id`,
      // The id list keeps the plan on the primary key even when the statistics think the table tiny.
      [JSON.stringify(records), conflicts.map((conflict) => conflict.id)],
    );
  }

  find(organisationId: string, id: string): Promise<ConflictEntity | null> {
    return this.dataSource.getRepository(ConflictEntity).findOneBy({ organisationId, id });
  }

  /** A layer's conflicts, oldest first (optionally of one status). */
  list(
    organisationId: string,
    layerId: string,
    status: ConflictStatus | null,
    first: number,
    offset: number,
  ): Promise<ConflictEntity[]> {
    return this.dataSource.getRepository(ConflictEntity).find({
      where: { organisationId, layerId, ...(status ? { status } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: first,
      skip: offset,
    });
  }
}
