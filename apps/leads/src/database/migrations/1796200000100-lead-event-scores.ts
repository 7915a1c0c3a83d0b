import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The points scoring applied per event move from `lead_events.score_points` to their own narrow table. Setting
 * the column updated a wide row (the event's metadata) after the fact: a full new row version and an entry in
 * each of the event log's five indexes, for every event. A row here is one small insert into one index.
 */
export class LeadEventScores1796200000100 implements MigrationInterface {
  name = 'LeadEventScores1796200000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "leads"."lead_event_scores" (
        lead_id uuid NOT NULL,
        event_id uuid NOT NULL,
        points integer NOT NULL,
        PRIMARY KEY (lead_id, event_id)
      )`);
    await db.query(`
      INSERT INTO "leads"."lead_event_scores" (lead_id, event_id, points)
      SELECT DISTINCT ON (lead_id, event_id) lead_id, event_id, score_points
        FROM "leads"."lead_events" WHERE score_points IS NOT NULL`);
    await db.query(`ALTER TABLE "leads"."lead_events" DROP COLUMN score_points`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "leads"."lead_events" ADD COLUMN score_points integer`);
    await db.query(`
      UPDATE "leads"."lead_events" e SET score_points = s.points
        FROM "leads"."lead_event_scores" s WHERE s.lead_id = e.lead_id AND s.event_id = e.event_id`);
    await db.query(`DROP TABLE "leads"."lead_event_scores"`);
  }
}
