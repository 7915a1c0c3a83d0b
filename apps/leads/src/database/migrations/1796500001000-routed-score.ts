import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `routed_score`: the lead's total score when it was routed, for the routing-effectiveness report (api.md §18
 * `avg_score_at_routing`); the total moves on after routing. Written with `routed_at`, never with a score, and
 * not indexed, so score updates stay HOT. Leads routed before this column existed get their current total, the
 * closest figure there is.
 */
export class RoutedScore1796500001000 implements MigrationInterface {
  name = 'RoutedScore1796500001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "leads"."leads" ADD COLUMN "routed_score" integer`);
    await db.query(
      `UPDATE "leads"."leads" SET "routed_score" = "total_score" WHERE "routing_status" = 'routed'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "leads"."leads" DROP COLUMN "routed_score"`);
  }
}
