import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A conflict's writes and clocks become `json`, like the other sync columns (1764500000000): the merge
 * writes them for every conflict it opens, nothing queries inside them, and reviewers read them whole.
 */
export class SyncConflictJsonColumns1764700000000 implements MigrationInterface {
  name = 'SyncConflictJsonColumns1764700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "conflict" ALTER COLUMN "candidates" TYPE json USING "candidates"::json,
         ALTER COLUMN "concurrent_with" TYPE json USING "concurrent_with"::json,
         ALTER COLUMN "server_writes" TYPE json USING "server_writes"::json,
         ALTER COLUMN "device_write" TYPE json USING "device_write"::json,
         ALTER COLUMN "base_clock" TYPE json USING "base_clock"::json,
         ALTER COLUMN "resolution" TYPE json USING "resolution"::json`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "conflict" ALTER COLUMN "candidates" TYPE jsonb USING "candidates"::jsonb,
         ALTER COLUMN "concurrent_with" TYPE jsonb USING "concurrent_with"::jsonb,
         ALTER COLUMN "server_writes" TYPE jsonb USING "server_writes"::jsonb,
         ALTER COLUMN "device_write" TYPE jsonb USING "device_write"::jsonb,
         ALTER COLUMN "base_clock" TYPE jsonb USING "base_clock"::jsonb,
         ALTER COLUMN "resolution" TYPE jsonb USING "resolution"::jsonb`,
    );
  }
}
