import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tile sources, cache regions and their tile membership, the tile index, content-addressed blobs,
 * bulk submissions and the durable job history with finished-batch marks.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS postgis`);
    await queryRunner.query(
      `CREATE TABLE "tile_source" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" character varying(128) NOT NULL, "name" character varying(200) NOT NULL, "url_template" character varying(2048) NOT NULL, "scheme" character varying(8) NOT NULL, "format" character varying(8) NOT NULL, "min_zoom" smallint NOT NULL, "max_zoom" smallint NOT NULL, "attribution" character varying(1000) NOT NULL DEFAULT '', "subdomains" text array NOT NULL DEFAULT '{}', "max_requests_per_second" real NOT NULL, "max_concurrent_requests" smallint NOT NULL, "secret_headers" jsonb NOT NULL DEFAULT '{}', "transcode_to_webp" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d2e1064d6ec7d66b1bbc6169109" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_ed3f8d96765cc8ed0590eecf59" ON "tile_source" ("organisation_id", "name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "cache_region" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" character varying(128) NOT NULL, "name" character varying(200) NOT NULL, "source_id" uuid NOT NULL, "area" geometry(MultiPolygon,4326) NOT NULL, "min_zoom" smallint NOT NULL, "max_zoom" smallint NOT NULL, "status" character varying(16) NOT NULL, "tile_count" bigint NOT NULL, "tiles_done" bigint NOT NULL DEFAULT '0', "tiles_empty" bigint NOT NULL DEFAULT '0', "tiles_failed" bigint NOT NULL DEFAULT '0', "logical_bytes" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3d389e665d7626fbd00342c9517" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e777f11b86865a9c1b23dee44d" ON "cache_region" USING GiST ("area") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_4436fc74947ac81d3aa00aee74" ON "cache_region" ("organisation_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "tile" ("source_id" uuid NOT NULL, "z" smallint NOT NULL, "x" integer NOT NULL, "y" integer NOT NULL, "status" character varying(8) NOT NULL, "blob_sha256" character(64), "etag" character varying(256), "expires_at" TIMESTAMP WITH TIME ZONE, "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL, "failure_reason" character varying(500), CONSTRAINT "PK_2a34d2cd01a61192c1b68fa2432" PRIMARY KEY ("source_id", "z", "x", "y"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_cfdcb1d97d1c78bb4cdd88afd5" ON "tile" ("blob_sha256") `);
    await queryRunner.query(
      `CREATE TABLE "tile_blob" ("sha256" character(64) NOT NULL, "size_bytes" integer NOT NULL, "content_type" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cfdcb1d97d1c78bb4cdd88afd5c" PRIMARY KEY ("sha256"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "job_run" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" character varying(128) NOT NULL, "kind" character varying(32) NOT NULL, "state" character varying(16) NOT NULL, "subject_id" uuid, "idempotency_key" character varying(200), "requested_by" character varying(200) NOT NULL, "total_units" bigint NOT NULL DEFAULT '0', "done_units" bigint NOT NULL DEFAULT '0', "progress" jsonb NOT NULL DEFAULT '{}', "result" jsonb, "error" character varying(2000), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_96fe0b041b8bc157dcec25bd8ef" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_75544c17d44b146bf24a83d493" ON "job_run" ("organisation_id", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_2a244a1e058f70db11b6432c2e" ON "job_run" ("organisation_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "cache_submission" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" character varying(128) NOT NULL, "idempotency_key" character varying(200) NOT NULL, "request_sha256" character(64) NOT NULL, "results" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fc83ea5e81ec2aef580899223d8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_24c24bf85d0cf229b96e9b1252" ON "cache_submission" ("organisation_id", "idempotency_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "job_batch" ("job_run_id" uuid NOT NULL, "batch_key" character varying(64) NOT NULL, "units" integer NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cae193fc7e1fbbe5deee3b22c19" PRIMARY KEY ("job_run_id", "batch_key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "region_tile" ("region_id" uuid NOT NULL, "z" smallint NOT NULL, "x" integer NOT NULL, "y" integer NOT NULL, "source_id" uuid NOT NULL, CONSTRAINT "PK_0d6bcf73ac352ff01a2bf854dfd" PRIMARY KEY ("region_id", "z", "x", "y", "source_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_7bde83c19cbe1f55889559ec77" ON "region_tile" ("source_id", "z", "x", "y") `,
    );
    await queryRunner.query(
      `ALTER TABLE "cache_region" ADD CONSTRAINT "FK_5c4366792ec41dc239ca1d3e4c4" FOREIGN KEY ("source_id") REFERENCES "tile_source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'region_tile',
      'job_batch',
      'cache_submission',
      'job_run',
      'tile_blob',
      'tile',
      'cache_region',
      'tile_source',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}" CASCADE`);
    }
  }
}
