import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest signing secrets (api.md §3.1 `kind: signing_secret`, §4.2): unlike API keys they must be read back to
 * verify HMACs, so they are stored encrypted (AES-256-GCM under ENCRYPTION_KEY), next to their SHA-256 in
 * `key_hash`. A rotated secret keeps verifying until `previous_valid_until`. API keys never hold a ciphertext.
 */
export class SigningSecrets1796500005000 implements MigrationInterface {
  name = 'SigningSecrets1796500005000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE "gateway"."api_keys"
        ADD COLUMN "secret_ciphertext" text,
        ADD COLUMN "previous_secret_ciphertext" text,
        ADD CONSTRAINT "ck_api_keys_ciphertext_only_for_signing_secrets" CHECK (
          "kind" = 'signing_secret' OR ("secret_ciphertext" IS NULL AND "previous_secret_ciphertext" IS NULL))`);
    // Signed ingest looks secrets up by the body's source among their allowed_sources.
    await db.query(
      `CREATE INDEX "ix_api_keys_signing_sources" ON "gateway"."api_keys" USING gin ("allowed_sources")
        WHERE "kind" = 'signing_secret'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "gateway"."ix_api_keys_signing_sources"`);
    await db.query(
      `ALTER TABLE "gateway"."api_keys"
         DROP CONSTRAINT "ck_api_keys_ciphertext_only_for_signing_secrets",
         DROP COLUMN "previous_secret_ciphertext", DROP COLUMN "secret_ciphertext"`,
    );
  }
}
