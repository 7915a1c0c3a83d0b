import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1767225600000 implements MigrationInterface {
  name = 'CreateApiKeys1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "gateway"."api_keys" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "kind" text NOT NULL DEFAULT 'api_key' CHECK ("kind" IN ('api_key', 'signing_secret')),
        "source" text NOT NULL,
        "allowed_sources" text[] NOT NULL,
        "scopes" text[] NOT NULL,
        "prefix" text NOT NULL,
        "key_hash" text NOT NULL,
        "is_active" boolean NOT NULL DEFAULT true,
        "rate_limit_per_minute" integer NULL CHECK ("rate_limit_per_minute" IS NULL OR "rate_limit_per_minute" > 0),
        "expires_at" timestamptz NULL,
        "last_used_at" timestamptz NULL,
        "managed_by_env" boolean NOT NULL DEFAULT false,
        "created_by" uuid NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "uq_api_keys_key_hash" UNIQUE ("key_hash"),
        CONSTRAINT "ck_api_keys_key_hash_sha256" CHECK ("key_hash" ~ '^[0-9a-f]{64}$')
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "gateway"."api_keys"`);
  }
}
