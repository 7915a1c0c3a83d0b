import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk import (api.md §4.4): a batch row with its counts, one row per processed import row (its outcome; the key
 * that makes counting idempotent), and the notes an import attaches to leads (§5 timeline `note` items).
 */
export class LeadImports1796500006000 implements MigrationInterface {
  name = 'LeadImports1796500006000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "leads"."lead_import_batches" (
        "batch_id" uuid PRIMARY KEY,
        "source" varchar(100) NOT NULL,
        "campaign_id" varchar(100),
        "status" varchar(20) NOT NULL DEFAULT 'queued',
        "total_leads" int NOT NULL,
        "processed" int NOT NULL DEFAULT 0,
        "created" int NOT NULL DEFAULT 0,
        "updated" int NOT NULL DEFAULT 0,
        "skipped" int NOT NULL DEFAULT 0,
        "failed" int NOT NULL DEFAULT 0,
        "skip_duplicates" boolean NOT NULL,
        "notify_on_complete" boolean NOT NULL,
        "notification_status" varchar(30),
        "requested_by_type" varchar(20) NOT NULL,
        "requested_by_id" varchar(100),
        "requester_email" varchar(255),
        "queued_at" timestamptz NOT NULL,
        "completed_at" timestamptz
      )`);
    await db.query(`
      CREATE TABLE "leads"."lead_import_items" (
        "batch_id" uuid NOT NULL REFERENCES "leads"."lead_import_batches" ("batch_id") ON DELETE CASCADE,
        "batch_index" int NOT NULL,
        "outcome" varchar(10) NOT NULL,
        "lead_id" uuid,
        "email" varchar(255),
        "error_code" varchar(50),
        "error_message" varchar(500),
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("batch_id", "batch_index")
      )`);
    await db.query(`CREATE INDEX "lead_import_items_lead_id_idx" ON "leads"."lead_import_items" ("lead_id")`);
    await db.query(`
      CREATE TABLE "leads"."lead_notes" (
        "id" uuid PRIMARY KEY,
        "lead_id" uuid NOT NULL REFERENCES "leads"."leads" ("id") ON DELETE CASCADE,
        "note_type" varchar(20) NOT NULL,
        "content" text NOT NULL,
        "source" varchar(100),
        "batch_id" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX "lead_notes_lead_id_idx" ON "leads"."lead_notes" ("lead_id", "created_at" DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "leads"."lead_notes"`);
    await db.query(`DROP TABLE "leads"."lead_import_items"`);
    await db.query(`DROP TABLE "leads"."lead_import_batches"`);
  }
}
