import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * A message is recorded as `sending` (committed) before Slack is called, so an attempt whose outcome was never
 * recorded is recognised on redelivery instead of being posted again; `attempt_started_at` bounds the lookup.
 */
export class MessageLogSending1796100000000 implements MigrationInterface {
  name = 'MessageLogSending1796100000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = `"${schemaOf(runner)}".message_log`;
    await runner.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS message_log_status_check`);
    await runner.query(
      `ALTER TABLE ${table} ADD CONSTRAINT message_log_status_check
         CHECK (status IN ('sending', 'sent', 'failed'))`,
    );
    await runner.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS attempt_started_at timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const table = `"${schemaOf(runner)}".message_log`;
    await runner.query(
      `UPDATE ${table} SET status = 'failed', error_code = 'outcome_unknown' WHERE status = 'sending'`,
    );
    await runner.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS message_log_status_check`);
    await runner.query(
      `ALTER TABLE ${table} ADD CONSTRAINT message_log_status_check CHECK (status IN ('sent', 'failed'))`,
    );
    await runner.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS attempt_started_at`);
  }
}
