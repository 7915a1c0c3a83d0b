import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lead row is updated about twice per event (ingest moves `last_activity`, the score read model `total_score`).
 * With an index on either column every such update is a non-HOT update: a new entry in each of the table's
 * indexes (about eight per update, the largest share of the database's work in a burst). Without them, and
 * with room on each page, the updates are HOT and touch no index.
 *
 * What the two indexes served: sorting and range filters of the lead list. The list counts every matching row
 * anyway, so it reads them all; sorting by score or activity adds a top-N sort over those rows, a few ms per
 * 10,000 leads. Writes happen on every event, reads when a person opens the list: the trade favours writes.
 */
export class HotLeadUpdates1796200000000 implements MigrationInterface {
  name = 'HotLeadUpdates1796200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS "leads"."leads_total_score"`);
    await db.query(`DROP INDEX IF EXISTS "leads"."leads_last_activity"`);
    await db.query(`ALTER TABLE "leads"."leads" SET (fillfactor = 80)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "leads"."leads" RESET (fillfactor)`);
    await db.query(`CREATE INDEX IF NOT EXISTS leads_last_activity ON "leads"."leads" (last_activity)`);
    await db.query(`CREATE INDEX IF NOT EXISTS leads_total_score ON "leads"."leads" (total_score)`);
  }
}
