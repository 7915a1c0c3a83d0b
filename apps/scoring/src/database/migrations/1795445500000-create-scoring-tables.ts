import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rules (versioned), the score ledger and the per-lead score rows (the lead's lock). */
export class CreateScoringTables1795445500000 implements MigrationInterface {
  name = 'CreateScoringTables1795445500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "scoring"."scoring_rules" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "slug" varchar(100) NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" text,
        "is_active" boolean NOT NULL DEFAULT true,
        "priority" integer NOT NULL DEFAULT 100,
        "rule_type" varchar(20) NOT NULL CHECK ("rule_type" IN ('event', 'field', 'threshold')),
        "category" varchar(20) NOT NULL CHECK ("category" IN ('demographic', 'engagement', 'behavior')),
        "conditions" jsonb NOT NULL CHECK (jsonb_typeof("conditions") = 'object'),
        "points" integer NOT NULL,
        "max_per_day" integer CHECK ("max_per_day" > 0),
        "max_per_lead" integer CHECK ("max_per_lead" > 0),
        "decay_days" integer CHECK ("decay_days" > 0),
        "version" integer NOT NULL DEFAULT 1 CHECK ("version" >= 1),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "archived_at" timestamptz,
        CONSTRAINT "uq_scoring_rules_slug" UNIQUE ("slug")
      )`);
    // The consumer loads the live rules of one type on every event.
    await db.query(`
      CREATE INDEX "ix_scoring_rules_live" ON "scoring"."scoring_rules" ("rule_type", "priority")
      WHERE "is_active" AND "archived_at" IS NULL`);

    await db.query(`
      CREATE TABLE "scoring"."rule_versions" (
        "rule_id" uuid NOT NULL REFERENCES "scoring"."scoring_rules" ("id"),
        "version" integer NOT NULL,
        "snapshot" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("rule_id", "version")
      )`);

    await db.query(`
      CREATE TABLE "scoring"."score_ledger" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "lead_id" uuid NOT NULL,
        "event_id" uuid,
        "rule_id" uuid NOT NULL,
        "rule_slug" varchar(100) NOT NULL,
        "rule_version" integer NOT NULL,
        "category" varchar(20) NOT NULL CHECK ("category" IN ('demographic', 'engagement', 'behavior')),
        "points" integer NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "expires_at" timestamptz,
        "expired" boolean NOT NULL DEFAULT false,
        "expired_at" timestamptz,
        "reason" varchar(20) NOT NULL CHECK ("reason" IN ('event', 'fit', 'threshold', 'recalculation')),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "fk_score_ledger_rule_version" FOREIGN KEY ("rule_id", "rule_version")
          REFERENCES "scoring"."rule_versions" ("rule_id", "version"),
        CONSTRAINT "ck_score_ledger_expired_at" CHECK ("expired" = ("expired_at" IS NOT NULL)),
        -- An event can never score the same rule twice, even if the inbox were bypassed.
        CONSTRAINT "uq_score_ledger_event_rule" UNIQUE ("event_id", "rule_id")
      )`);
    // Caps: applications of one rule to one lead, by event time. Also serves the per-lead totals and history.
    await db.query(`
      CREATE INDEX "ix_score_ledger_lead_rule_occurred" ON "scoring"."score_ledger" ("lead_id", "rule_id", "occurred_at")`);
    // Fit rules apply once per lead per rule (their rows carry no event).
    await db.query(`
      CREATE UNIQUE INDEX "uq_score_ledger_fit_once" ON "scoring"."score_ledger" ("lead_id", "rule_id")
      WHERE "event_id" IS NULL`);
    // The expiry job finds rows whose points run out.
    await db.query(`
      CREATE INDEX "ix_score_ledger_expiring" ON "scoring"."score_ledger" ("expires_at")
      WHERE NOT "expired" AND "expires_at" IS NOT NULL`);

    await db.query(`
      CREATE TABLE "scoring"."lead_scores" (
        "lead_id" uuid PRIMARY KEY,
        "demographic" integer NOT NULL DEFAULT 0,
        "engagement" integer NOT NULL DEFAULT 0,
        "behavior" integer NOT NULL DEFAULT 0,
        "total" integer NOT NULL DEFAULT 0,
        "tier" varchar(20) NOT NULL DEFAULT 'cold' CHECK ("tier" IN ('cold', 'warm', 'hot', 'very_hot')),
        "version" integer NOT NULL DEFAULT 0,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "scoring"."lead_scores"`);
    await db.query(`DROP TABLE "scoring"."score_ledger"`);
    await db.query(`DROP TABLE "scoring"."rule_versions"`);
    await db.query(`DROP TABLE "scoring"."scoring_rules"`);
  }
}
