import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Team members (api.md §14): the owners routing picks from. Their load is not stored: it is counted from their
 * open deals, so it cannot drift. `development_seed` marks the sample team a development start adds.
 */
export class TeamMembers1796300000100 implements MigrationInterface {
  name = 'TeamMembers1796300000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "leads"."team_members" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "email" varchar(255) NOT NULL,
        "name" varchar(255) NOT NULL,
        "role" varchar(30) NOT NULL
          CHECK ("role" IN ('bdr', 'ae', 'partnership_manager', 'marketing_manager', 'admin')),
        "region" varchar(50),
        "is_active" boolean NOT NULL DEFAULT true,
        "max_leads" integer NOT NULL DEFAULT 50 CHECK ("max_leads" BETWEEN 0 AND 1000),
        "avatar" varchar(512),
        "development_seed" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX "uq_team_members_email" ON "leads"."team_members" (lower("email"))`);
    // Load per member: open deals by owner.
    await db.query(
      `CREATE INDEX "ix_deals_open_by_owner" ON "leads"."deals" ("assigned_to") WHERE "status" = 'open'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "leads"."ix_deals_open_by_owner"`);
    await db.query(`DROP TABLE "leads"."team_members"`);
  }
}
