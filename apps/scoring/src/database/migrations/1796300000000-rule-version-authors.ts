import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who made each rule version and who archived a rule (the rules API records its actor); seeds have none. */
export class RuleVersionAuthors1796300000000 implements MigrationInterface {
  name = 'RuleVersionAuthors1796300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "scoring"."rule_versions" ADD COLUMN "created_by" jsonb`);
    await db.query(`ALTER TABLE "scoring"."scoring_rules" ADD COLUMN "archived_by" jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "scoring"."scoring_rules" DROP COLUMN "archived_by"`);
    await db.query(`ALTER TABLE "scoring"."rule_versions" DROP COLUMN "created_by"`);
  }
}
