import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * api.md §1.5: a key's `rate_limit_per_minute` overrides the ingest default, and `null` there means unlimited;
 * `rate_limit_set` tells an explicit null (unlimited) from a key that never had one (the default applies).
 * Keys that already have a number keep it as their own limit.
 */
export class ApiKeyRateLimitSet1796500003000 implements MigrationInterface {
  name = 'ApiKeyRateLimitSet1796500003000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE "gateway"."api_keys" ADD COLUMN "rate_limit_set" boolean NOT NULL DEFAULT false`,
    );
    await db.query(
      `UPDATE "gateway"."api_keys" SET "rate_limit_set" = true WHERE "rate_limit_per_minute" IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "gateway"."api_keys" DROP COLUMN "rate_limit_set"`);
  }
}
