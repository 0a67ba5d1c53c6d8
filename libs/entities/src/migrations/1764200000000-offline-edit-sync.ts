import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Offline edit sync: layers and their merge rules, features (CRDT state plus the values in force with
 * a PostGIS geometry), the append-only change log whose bigserial is the server sequence (pull
 * cursor), conflicts, devices, and pushed batches stored before they are queued.
 */
export class OfflineEditSync1764200000000 implements MigrationInterface {
  name = 'OfflineEditSync1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "layer" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" character varying(128) NOT NULL, "name" character varying(200) NOT NULL, "field_policy" character varying(24) NOT NULL, "delete_rule" character varying(16) NOT NULL, "property_schema" jsonb, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d60eea04485b8109a4bc1e09c64" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_e37ba7f16583f9c3ea16f7a273" ON "layer" ("organisation_id", "name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "feature" ("layer_id" uuid NOT NULL, "id" uuid NOT NULL, "organisation_id" character varying(128) NOT NULL, "state" jsonb, "deleted" boolean NOT NULL DEFAULT false, "geometry" geometry(Geometry,4326), "properties" jsonb NOT NULL DEFAULT '{}', "version_vector" jsonb NOT NULL DEFAULT '{}', "open_conflicts" integer NOT NULL DEFAULT '0', "sequence" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_eefa0a3b95b7eaa0ce3e5080867" PRIMARY KEY ("layer_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_63abcdc05c685f8c5e09d15a84" ON "feature" USING GiST ("geometry") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f95a2d530dd5e2df639ba8fc54" ON "feature" ("layer_id", "sequence") `,
    );
    await queryRunner.query(
      `CREATE TABLE "feature_change" ("sequence" BIGSERIAL NOT NULL, "organisation_id" character varying(128) NOT NULL, "layer_id" uuid NOT NULL, "feature_id" uuid NOT NULL, "batch_id" uuid NOT NULL, "change_index" integer NOT NULL, "device_id" character varying(128) NOT NULL, "op" character varying(8) NOT NULL, "clock" jsonb NOT NULL, "hlc" character varying(160) NOT NULL, "change" jsonb NOT NULL, "outcome" character varying(16) NOT NULL, "merged_fields" jsonb NOT NULL DEFAULT '[]', "discarded_fields" jsonb NOT NULL DEFAULT '[]', "conflict_ids" uuid array NOT NULL DEFAULT '{}', "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_97d4c42f360963b4507fb4f6675" PRIMARY KEY ("sequence"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a7198ee5b57d29dab63845abf6" ON "feature_change" ("organisation_id", "feature_id", "sequence") `,
    );
    await queryRunner.query(
      `CREATE TABLE "conflict" ("id" uuid NOT NULL, "organisation_id" character varying(128) NOT NULL, "layer_id" uuid NOT NULL, "feature_id" uuid NOT NULL, "field" character varying(300) NOT NULL, "kind" character varying(24) NOT NULL, "status" character varying(16) NOT NULL, "candidates" jsonb NOT NULL, "concurrent_with" jsonb, "server_writes" jsonb NOT NULL, "device_write" jsonb, "base_clock" jsonb, "opened_sequence" bigint NOT NULL, "closed_sequence" bigint, "resolution" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f4b2f9c648b86fb42725e336dc5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_429e19b9bfa72e8ab90ee7e32c" ON "conflict" ("layer_id", "feature_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ba42a8923f1e0fa90d04145d9c" ON "conflict" ("organisation_id", "layer_id", "status", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "device" ("organisation_id" character varying(128) NOT NULL, "id" character varying(128) NOT NULL, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_batch_id" uuid NOT NULL, "batches" integer NOT NULL DEFAULT '0', "changes" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_7a827fab8d6719ac4bedfdb7f62" PRIMARY KEY ("organisation_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sync_batch" ("organisation_id" character varying(128) NOT NULL, "id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "layer_id" uuid NOT NULL, "device_id" character varying(128) NOT NULL, "request_sha256" character(64) NOT NULL, "changes" jsonb NOT NULL, "change_count" integer NOT NULL, "rejections" jsonb NOT NULL DEFAULT '[]', "status" character varying(16) NOT NULL, "results" jsonb, "error" character varying(2000), "job_run_id" uuid NOT NULL, "requested_by" character varying(200) NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "merged_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_0adfecc967a69cf27eb8435cc98" PRIMARY KEY ("organisation_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_60ceef7fa2d258c1883ea30e63" ON "sync_batch" ("received_at") WHERE status = 'queued'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['sync_batch', 'device', 'conflict', 'feature_change', 'feature', 'layer']) {
      await queryRunner.query(`DROP TABLE "${table}" CASCADE`);
    }
  }
}
