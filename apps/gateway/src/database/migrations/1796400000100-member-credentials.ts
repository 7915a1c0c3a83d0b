import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in for team members (api.md §3): a password hash per member (the member itself lives in leads), and
 * refresh tokens, stored as SHA-256 hashes, in families so a reused token can revoke its whole chain.
 */
export class MemberCredentials1796400000100 implements MigrationInterface {
  name = 'MemberCredentials1796400000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "gateway"."member_credentials" (
        "member_id" uuid PRIMARY KEY,
        "email" varchar(255) NOT NULL,
        "password_hash" text NOT NULL,
        "two_factor_enabled" boolean NOT NULL DEFAULT false,
        "failed_logins" integer NOT NULL DEFAULT 0,
        "last_failed_login_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE UNIQUE INDEX "uq_member_credentials_email" ON "gateway"."member_credentials" (lower("email"))`,
    );
    await db.query(`
      CREATE TABLE "gateway"."refresh_tokens" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "member_id" uuid NOT NULL REFERENCES "gateway"."member_credentials" ("member_id") ON DELETE CASCADE,
        "family_id" uuid NOT NULL,
        "token_hash" char(64) NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        "replaced_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_refresh_tokens_hash" UNIQUE ("token_hash")
      )`);
    await db.query(`CREATE INDEX "ix_refresh_tokens_family" ON "gateway"."refresh_tokens" ("family_id")`);
    await db.query(`CREATE INDEX "ix_refresh_tokens_member" ON "gateway"."refresh_tokens" ("member_id")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "gateway"."refresh_tokens"`);
    await db.query(`DROP TABLE "gateway"."member_credentials"`);
  }
}
