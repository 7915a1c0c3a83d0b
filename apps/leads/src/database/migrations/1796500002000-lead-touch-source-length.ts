import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `POST|PATCH /leads` take touch sources of up to 100 characters (api.md §5); ingest wrote only producer source
 * names. Widening a varchar rewrites neither the table nor its indexes.
 */
export class LeadTouchSourceLength1796500002000 implements MigrationInterface {
  name = 'LeadTouchSourceLength1796500002000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE "leads"."leads" ALTER COLUMN "first_touch_source" TYPE varchar(100),
                                    ALTER COLUMN "last_touch_source" TYPE varchar(100)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE "leads"."leads" ALTER COLUMN "first_touch_source" TYPE varchar(20) USING left(first_touch_source, 20),
                                    ALTER COLUMN "last_touch_source" TYPE varchar(20) USING left(last_touch_source, 20)`,
    );
  }
}
