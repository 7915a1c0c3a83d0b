import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/** The slack service's message log (idempotency per command key). */
export class CreateMessageLog1763910000000 implements MigrationInterface {
  name = 'CreateMessageLog1763910000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".message_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL,
        reference text,
        channel text NOT NULL,
        mode text CHECK (mode IN ('webhook', 'bot')),
        status text NOT NULL CHECK (status IN ('sent', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        vendor_ts text,
        vendor_response text,
        error_code text,
        error_message text,
        vendor_status int,
        retryable boolean,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CONSTRAINT message_log_idempotency_key_unique UNIQUE (idempotency_key)
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS message_log_created_at ON "${schema}".message_log (created_at DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "${schemaOf(runner)}".message_log`);
  }
}
