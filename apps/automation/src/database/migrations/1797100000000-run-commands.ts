import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * A run's payload becomes the list of commands it sent (every action now has an executor, some send several).
 * Runs stored before held the one Slack message itself: it is wrapped as that run's single Slack command. A
 * manual execution (api.md §9 execute) runs no saved trigger, maybe for no stage.
 */
export class RunCommands1797100000000 implements MigrationInterface {
  name = 'RunCommands1797100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE "${schemaOf(db)}"."trigger_runs" ALTER COLUMN "trigger_id" DROP NOT NULL, ALTER COLUMN "stage_id" DROP NOT NULL`,
    );
    await db.query(`
      UPDATE "${schemaOf(db)}"."trigger_runs"
         SET "payload" = jsonb_build_object('commands', jsonb_build_array(jsonb_build_object(
               'step', 'slack.post_message',
               'service', 'slack',
               'operation', 'post_message',
               'subject', 'slack.cmd.post_message.v1',
               'idempotency_key', "idempotency_key",
               'payload', "payload" || jsonb_build_object('reference', "id"::text))))
       WHERE "payload" IS NOT NULL AND NOT ("payload" ? 'commands')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE "${schemaOf(db)}"."trigger_runs"
         SET "payload" = ("payload" -> 'commands' -> 0 -> 'payload') - 'reference'
       WHERE "payload" ? 'commands' AND "action" = 'send_slack_message'`);
    await db.query(
      `DELETE FROM "${schemaOf(db)}"."trigger_runs" WHERE "trigger_id" IS NULL OR "stage_id" IS NULL`,
    );
    await db.query(
      `ALTER TABLE "${schemaOf(db)}"."trigger_runs" ALTER COLUMN "trigger_id" SET NOT NULL, ALTER COLUMN "stage_id" SET NOT NULL`,
    );
  }
}
