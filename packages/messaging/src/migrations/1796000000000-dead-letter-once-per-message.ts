import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * One dead letter per (consumer, message): a redelivery of a message that is already dead (the server ignored
 * a term, an ack was lost) must not record it twice. Messages that are not JSON have no id: their stream
 * sequence stands in. Duplicates recorded before this key existed are folded into the oldest row.
 */
export class DeadLetterOncePerMessage1796000000000 implements MigrationInterface {
  name = 'DeadLetterOncePerMessage1796000000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      DELETE FROM "${schema}".dead_letter d USING "${schema}".dead_letter older
       WHERE d.consumer = older.consumer
         AND coalesce(d.message_id, 'seq:' || d.stream_sequence::text) = coalesce(older.message_id, 'seq:' || older.stream_sequence::text)
         AND (older.created_at, older.id) < (d.created_at, d.id)`);
    await runner.query(`
      CREATE UNIQUE INDEX IF NOT EXISTS dead_letter_once_per_message
        ON "${schema}".dead_letter (consumer, (coalesce(message_id, 'seq:' || stream_sequence::text)))`);
    await runner.query(
      `ALTER TABLE "${schema}".dead_letter ADD COLUMN IF NOT EXISTS last_failed_at timestamptz`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`ALTER TABLE "${schema}".dead_letter DROP COLUMN IF EXISTS last_failed_at`);
    await runner.query(`DROP INDEX IF EXISTS "${schema}".dead_letter_once_per_message`);
  }
}
