import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR erasures (api.md §17): one row per erased lead, with each service's confirmation. It holds the lead id (the
 * anonymised lead row keeps it too) and no personal data.
 */
export class LeadErasures1796500002100 implements MigrationInterface {
  name = 'LeadErasures1796500002100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "leads"."erasures" (
        "id" uuid PRIMARY KEY,
        "lead_id" uuid NOT NULL UNIQUE,
        "anonymized_email" varchar(255) NOT NULL,
        "services" jsonb NOT NULL,
        "requested_at" timestamptz NOT NULL,
        "completed_at" timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "leads"."erasures"`);
  }
}
