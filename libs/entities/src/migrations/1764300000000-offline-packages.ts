import { MigrationInterface, QueryRunner } from 'typeorm';

/** Offline packages and the tile pins that keep their tiles while a package exists. */
export class OfflinePackages1764300000000 implements MigrationInterface {
  name = 'OfflinePackages1764300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "offline_package" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" character varying(128) NOT NULL, "name" character varying(200) NOT NULL, "package_identifier" character varying(200) NOT NULL, "version" character varying(64) NOT NULL, "revision" integer NOT NULL, "language" character varying(35), "format" character varying(20) NOT NULL, "state" character varying(16) NOT NULL, "source_id" uuid, "region_ids" uuid array NOT NULL DEFAULT '{}', "tile_format" character varying(8), "min_zoom" smallint, "max_zoom" smallint, "bounds" double precision array, "tile_count" bigint NOT NULL DEFAULT '0', "unique_tile_count" bigint NOT NULL DEFAULT '0', "size_bytes" bigint, "sha256" character(64), "object_key" character varying(1024), "file_name" character varying(255) NOT NULL, "request" jsonb NOT NULL, "layer_errors" jsonb NOT NULL DEFAULT '[]', "failure_reason" character varying(2000), "download_token" character varying(64) NOT NULL, "job_run_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "built_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3b68659ed71f10ff7070d66ca06" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_7f8aa72300a94fcf211e349ce2" ON "offline_package" ("organisation_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "offline_package_tile" ("package_id" uuid NOT NULL, "source_id" uuid NOT NULL, "z" smallint NOT NULL, "x" integer NOT NULL, "y" integer NOT NULL, CONSTRAINT "PK_6b517e8733de13eae196a921118" PRIMARY KEY ("package_id", "source_id", "z", "x", "y"))`,
    );
    // Region release probes this index for every tile it considers removing.
    await queryRunner.query(
      `CREATE INDEX "IDX_a90d57259d0b078add691ebfde" ON "offline_package_tile" ("source_id", "z", "x", "y") `,
    );
    await queryRunner.query(
      `ALTER TABLE "offline_package_tile" ADD CONSTRAINT "FK_5d815a370a4884f7d936af792db" FOREIGN KEY ("package_id") REFERENCES "offline_package"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "offline_package_tile"`);
    await queryRunner.query(`DROP TABLE "offline_package"`);
  }
}
