import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fit rules run live (api.md §10): scoring keeps each lead's latest fit profile, and a fit rule's points are
 * withdrawn by a negative `fit_withdrawn` row when the field stops matching, and applied again when it matches
 * again. A lead may therefore hold several rows of one fit rule over time: the once-only index goes; applying
 * is decided under the lead's lock from the rows held (applications minus withdrawals).
 */
export class FitScoring1796300000100 implements MigrationInterface {
  name = 'FitScoring1796300000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "scoring"."lead_profiles" (
        "lead_id" uuid PRIMARY KEY,
        "profile" jsonb NOT NULL,
        "profile_version" integer NOT NULL,
        "changed_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`DROP INDEX "scoring"."uq_score_ledger_fit_once"`);
    await db.query(`ALTER TABLE "scoring"."score_ledger" DROP CONSTRAINT "score_ledger_reason_check"`);
    await db.query(`
      ALTER TABLE "scoring"."score_ledger" ADD CONSTRAINT "score_ledger_reason_check"
        CHECK ("reason" IN ('event', 'fit', 'fit_withdrawn', 'threshold', 'recalculation'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM "scoring"."score_ledger" WHERE "reason" = 'fit_withdrawn'`);
    await db.query(`ALTER TABLE "scoring"."score_ledger" DROP CONSTRAINT "score_ledger_reason_check"`);
    await db.query(`
      ALTER TABLE "scoring"."score_ledger" ADD CONSTRAINT "score_ledger_reason_check"
        CHECK ("reason" IN ('event', 'fit', 'threshold', 'recalculation'))`);
    await db.query(`
      CREATE UNIQUE INDEX "uq_score_ledger_fit_once" ON "scoring"."score_ledger" ("lead_id", "rule_id")
      WHERE "event_id" IS NULL`);
    await db.query(`DROP TABLE "scoring"."lead_profiles"`);
  }
}
