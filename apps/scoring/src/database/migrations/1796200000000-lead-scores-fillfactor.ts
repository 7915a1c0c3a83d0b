import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lead's score row is updated on every scored event, and no update touches an indexed column: with room on
 * its page each update is HOT (the primary key is not written again). Applies to pages written from now on.
 */
export class LeadScoresFillfactor1796200000000 implements MigrationInterface {
  name = 'LeadScoresFillfactor1796200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "scoring"."lead_scores" SET (fillfactor = 70)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "scoring"."lead_scores" RESET (fillfactor)`);
  }
}
