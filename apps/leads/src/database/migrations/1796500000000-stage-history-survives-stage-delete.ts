import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stages can be deleted (api.md §7). The stage history of deals that passed through a deleted stage stays: the
 * stage names are stored on each row, and the ids of the deleted stage become null.
 */
export class StageHistorySurvivesStageDelete1796500000000 implements MigrationInterface {
  name = 'StageHistorySurvivesStageDelete1796500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE "leads"."deal_stage_history"
        ALTER COLUMN "to_stage_id" DROP NOT NULL,
        DROP CONSTRAINT "deal_stage_history_from_stage_id_fkey",
        DROP CONSTRAINT "deal_stage_history_to_stage_id_fkey",
        ADD CONSTRAINT "deal_stage_history_from_stage_id_fkey" FOREIGN KEY ("from_stage_id")
          REFERENCES "leads"."stages" ("id") ON DELETE SET NULL,
        ADD CONSTRAINT "deal_stage_history_to_stage_id_fkey" FOREIGN KEY ("to_stage_id")
          REFERENCES "leads"."stages" ("id") ON DELETE SET NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Rows of deleted stages cannot point at them again; they go with the stricter constraint.
    await db.query(`DELETE FROM "leads"."deal_stage_history" WHERE "to_stage_id" IS NULL`);
    await db.query(`
      ALTER TABLE "leads"."deal_stage_history"
        DROP CONSTRAINT "deal_stage_history_from_stage_id_fkey",
        DROP CONSTRAINT "deal_stage_history_to_stage_id_fkey",
        ADD CONSTRAINT "deal_stage_history_from_stage_id_fkey" FOREIGN KEY ("from_stage_id")
          REFERENCES "leads"."stages" ("id"),
        ADD CONSTRAINT "deal_stage_history_to_stage_id_fkey" FOREIGN KEY ("to_stage_id")
          REFERENCES "leads"."stages" ("id"),
        ALTER COLUMN "to_stage_id" SET NOT NULL`);
  }
}
