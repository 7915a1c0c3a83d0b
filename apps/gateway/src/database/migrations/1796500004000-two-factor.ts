import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Optional TOTP sign-in (api.md §3): the member's secret (AES-256-GCM encrypted; pending until `2fa/verify`
 * switches `two_factor_enabled` on), the last time step a code was accepted for (a code is never accepted
 * twice), and the challenges login hands out between the password and the code (SHA-256 hashes only).
 */
export class TwoFactor1796500004000 implements MigrationInterface {
  name = 'TwoFactor1796500004000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE "gateway"."member_credentials"
        ADD COLUMN "two_factor_secret" text,
        ADD COLUMN "two_factor_last_step" integer`);
    await db.query(`
      CREATE TABLE "gateway"."two_factor_challenges" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "member_id" uuid NOT NULL REFERENCES "gateway"."member_credentials" ("member_id") ON DELETE CASCADE,
        "token_hash" char(64) NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "failed_attempts" integer NOT NULL DEFAULT 0,
        "used_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_two_factor_challenges_hash" UNIQUE ("token_hash")
      )`);
    await db.query(
      `CREATE INDEX "ix_two_factor_challenges_member" ON "gateway"."two_factor_challenges" ("member_id")`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "gateway"."two_factor_challenges"`);
    await db.query(`
      ALTER TABLE "gateway"."member_credentials"
        DROP COLUMN "two_factor_last_step",
        DROP COLUMN "two_factor_secret"`);
  }
}
