import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What recalculation and expiry need: scoring's own copy of every event it scored (replayed in event time through
 * the current rules), and background jobs with their progress (one row per run; a scheduled run has a `slot`,
 * unique, so only one instance runs it).
 */
export class ReplayAndJobs1796300000300 implements MigrationInterface {
  name = 'ReplayAndJobs1796300000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "scoring"."scored_events" (
        "event_id" uuid PRIMARY KEY,
        "lead_id" uuid NOT NULL,
        "event_type" varchar(100) NOT NULL,
        "source" varchar(20) NOT NULL,
        "metadata" jsonb NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "recorded_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX "ix_scored_events_lead_occurred" ON "scoring"."scored_events" ("lead_id", "occurred_at")`,
    );
    await db.query(`
      CREATE TABLE "scoring"."jobs" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "kind" varchar(20) NOT NULL CHECK ("kind" IN ('expiry', 'recalculation')),
        "slot" varchar(100) UNIQUE,
        "status" varchar(20) NOT NULL DEFAULT 'running' CHECK ("status" IN ('running', 'succeeded', 'failed')),
        "requested_by" jsonb,
        "total" integer NOT NULL DEFAULT 0,
        "done" integer NOT NULL DEFAULT 0,
        "changed" integer NOT NULL DEFAULT 0,
        "skipped" integer NOT NULL DEFAULT 0,
        "cursor" uuid,
        "error" text,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "heartbeat_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz
      )`);
    await db.query(
      `CREATE INDEX "ix_jobs_running" ON "scoring"."jobs" ("heartbeat_at") WHERE "status" = 'running'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "scoring"."jobs"`);
    await db.query(`DROP TABLE "scoring"."scored_events"`);
  }
}
