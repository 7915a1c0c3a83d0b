import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/** Outbox, inbox and dead letters, in the schema of the service that runs it. */
export class CreateMessagingTables1763900000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".outbox_message (
        id uuid PRIMARY KEY,
        subject text NOT NULL,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS outbox_message_unpublished
        ON "${schema}".outbox_message (created_at) WHERE published_at IS NULL`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".processed_message (
        consumer text NOT NULL,
        message_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".dead_letter (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        consumer text NOT NULL,
        subject text NOT NULL,
        message_id text,
        type text,
        reason text NOT NULL,
        delivery_count int NOT NULL,
        stream_sequence bigint,
        last_error text NOT NULL,
        payload text NOT NULL,
        status text NOT NULL DEFAULT 'dead',
        requeue_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        requeued_at timestamptz
      )`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS dead_letter_status ON "${schema}".dead_letter (status, created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".dead_letter`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".processed_message`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".outbox_message`);
  }
}
