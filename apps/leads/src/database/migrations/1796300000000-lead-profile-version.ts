import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `profile_version` grows by one with every change of a field fit rules read (the lead's own or its
 * organization's); `leads.lead.profile_changed.v1` carries it, so scoring applies only newer profiles.
 * Existing leads start at 0: their first change announces version 1.
 */
export class LeadProfileVersion1796300000000 implements MigrationInterface {
  name = 'LeadProfileVersion1796300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "leads"."leads" ADD COLUMN "profile_version" integer NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "leads"."leads" DROP COLUMN "profile_version"`);
  }
}
