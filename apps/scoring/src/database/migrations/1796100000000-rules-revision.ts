import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A counter that grows with every statement that changes `scoring_rules`, kept by a trigger so that no edit
 * (rules API, migration, hand-written SQL) can bypass it. Consumers cache the live rules and compare this one
 * number per batch instead of reading every rule per event.
 */
export class RulesRevision1796100000000 implements MigrationInterface {
  name = 'RulesRevision1796100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "scoring"."rules_revision" (
        "singleton" boolean PRIMARY KEY DEFAULT true CHECK ("singleton"),
        "revision" bigint NOT NULL DEFAULT 1
      )`);
    await db.query(`INSERT INTO "scoring"."rules_revision" DEFAULT VALUES`);
    await db.query(`
      CREATE FUNCTION "scoring"."bump_rules_revision"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE "scoring"."rules_revision" SET "revision" = "revision" + 1;
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER "trg_scoring_rules_revision"
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "scoring"."scoring_rules"
      FOR EACH STATEMENT EXECUTE FUNCTION "scoring"."bump_rules_revision"()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER "trg_scoring_rules_revision" ON "scoring"."scoring_rules"`);
    await db.query(`DROP FUNCTION "scoring"."bump_rules_revision"()`);
    await db.query(`DROP TABLE "scoring"."rules_revision"`);
  }
}
