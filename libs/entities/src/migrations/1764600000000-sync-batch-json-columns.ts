import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A pushed batch's changes (written by the gateway, read back whole by the merge) and its results
 * (written by the merge, read whole by syncResult) become `json`, like the feature columns in
 * 1764500000000: nothing queries inside them, and `jsonb` input built a tree from every pushed batch.
 *
 * Changing a column's type resets its storage to the new type's default (compressed), which undid
 * 1764400000000 for `feature.state`; the uncompressed storage is set again here for every column
 * that migration named.
 */
export class SyncBatchJsonColumns1764600000000 implements MigrationInterface {
  name = 'SyncBatchJsonColumns1764600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sync_batch" ALTER COLUMN "changes" TYPE json USING "changes"::json,
         ALTER COLUMN "results" TYPE json USING "results"::json`,
    );
    await queryRunner.query(`ALTER TABLE "feature" ALTER COLUMN "state" SET STORAGE EXTERNAL`);
    await queryRunner.query(
      `ALTER TABLE "sync_batch" ALTER COLUMN "changes" SET STORAGE EXTERNAL,
         ALTER COLUMN "results" SET STORAGE EXTERNAL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sync_batch" ALTER COLUMN "changes" TYPE jsonb USING "changes"::jsonb,
         ALTER COLUMN "results" TYPE jsonb USING "results"::jsonb`,
    );
    // As 1764500000000 left them (its down migration resets the state's storage on its own type change).
    await queryRunner.query(`ALTER TABLE "feature" ALTER COLUMN "state" SET STORAGE EXTENDED`);
    await queryRunner.query(
      `ALTER TABLE "sync_batch" ALTER COLUMN "changes" SET STORAGE EXTERNAL,
         ALTER COLUMN "results" SET STORAGE EXTERNAL`,
    );
  }
}
