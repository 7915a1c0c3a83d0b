import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing (api.md §11): its editable configuration (one row), why a lead waits for a person, the turn of each
 * member in round robin, and tasks (api.md §13), of which routing writes the first-contact task.
 */
export class Routing1796400000000 implements MigrationInterface {
  name = 'Routing1796400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "leads"."routing_config" (
        "id" smallint PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
        "config" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "updated_by" varchar(255),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // Empty config: every setting at its default until an admin changes it.
    await db.query(`INSERT INTO "leads"."routing_config" ("id") VALUES (1)`);

    await db.query(`
      ALTER TABLE "leads"."leads"
        ADD COLUMN "manual_review_reason" varchar(20)
          CHECK ("manual_review_reason" IN ('intent_conflict', 'stuck_in_pool')),
        ADD COLUMN "manual_review_at" timestamptz`);
    // The pool by age, for the stuck-in-pool sweep. Not by score: an index on total_score would make every score
    // update of an unrouted lead write index entries (no HOT update), on the hottest path there is.
    await db.query(
      `CREATE INDEX "ix_leads_unrouted_pool" ON "leads"."leads" ("created_at") WHERE "routing_status" = 'unrouted'`,
    );
    await db.query(
      `CREATE INDEX "ix_leads_manual_review" ON "leads"."leads" ("manual_review_at")
        WHERE "routing_status" = 'manual_review'`,
    );
    await db.query(`ALTER TABLE "leads"."team_members" ADD COLUMN "last_assigned_at" timestamptz`);

    await db.query(`
      CREATE TABLE "leads"."tasks" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "lead_id" uuid REFERENCES "leads"."leads" ("id") ON DELETE CASCADE,
        "deal_id" uuid REFERENCES "leads"."deals" ("id") ON DELETE CASCADE,
        "title" varchar(500) NOT NULL,
        "description" varchar(2000),
        "task_type" varchar(50),
        "assigned_to_id" uuid REFERENCES "leads"."team_members" ("id") ON DELETE SET NULL,
        "due_date" timestamptz,
        "completed_at" timestamptz,
        "status" varchar(20) NOT NULL DEFAULT 'open'
          CHECK ("status" IN ('open', 'in_progress', 'completed', 'cancelled')),
        "priority" varchar(10) NOT NULL DEFAULT 'medium' CHECK ("priority" IN ('low', 'medium', 'high', 'critical')),
        "created_by" varchar(255),
        "automation_rule_id" uuid,
        "trigger_run_id" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CHECK ("lead_id" IS NOT NULL OR "deal_id" IS NOT NULL)
      )`);
    await db.query(`CREATE INDEX "ix_tasks_lead" ON "leads"."tasks" ("lead_id")`);
    await db.query(`CREATE INDEX "ix_tasks_deal" ON "leads"."tasks" ("deal_id")`);
    await db.query(`CREATE INDEX "ix_tasks_owner_due" ON "leads"."tasks" ("assigned_to_id", "due_date")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "leads"."tasks"`);
    await db.query(`ALTER TABLE "leads"."team_members" DROP COLUMN "last_assigned_at"`);
    await db.query(`DROP INDEX "leads"."ix_leads_manual_review"`);
    await db.query(`DROP INDEX "leads"."ix_leads_unrouted_pool"`);
    await db.query(
      `ALTER TABLE "leads"."leads" DROP COLUMN "manual_review_at", DROP COLUMN "manual_review_reason"`,
    );
    await db.query(`DROP TABLE "leads"."routing_config"`);
  }
}
