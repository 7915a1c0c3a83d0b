import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Key rotation (api.md §3.1): the replaced key's hash stays valid until the grace period ends. */
export class ApiKeyRotation1796400000200 implements MigrationInterface {
  name = 'ApiKeyRotation1796400000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE "gateway"."api_keys"
        ADD COLUMN "previous_key_hash" text CHECK ("previous_key_hash" ~ '^[0-9a-f]{64}$'),
        ADD COLUMN "previous_valid_until" timestamptz`);
    await db.query(
      `CREATE INDEX "ix_api_keys_previous_hash" ON "gateway"."api_keys" ("previous_key_hash")
        WHERE "previous_key_hash" IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "gateway"."ix_api_keys_previous_hash"`);
    await db.query(
      `ALTER TABLE "gateway"."api_keys" DROP COLUMN "previous_valid_until", DROP COLUMN "previous_key_hash"`,
    );
  }
}
