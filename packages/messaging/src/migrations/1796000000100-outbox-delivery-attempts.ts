import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * Per-row delivery attempts: a failed row waits for its backoff (`next_attempt_at`, also the claim's lease) and
 * is parked after too many attempts, so it no longer holds up the rows behind it. Published rows get an index
 * for the age-based cleanup.
 */
export class OutboxDeliveryAttempts1796000000100 implements MigrationInterface {
  name = 'OutboxDeliveryAttempts1796000000100';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      ALTER TABLE "${schema}".outbox_message
        ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN IF NOT EXISTS parked_at timestamptz`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS outbox_message_due
        ON "${schema}".outbox_message (next_attempt_at) WHERE published_at IS NULL AND parked_at IS NULL`);
    // Superseded by outbox_message_due, which the claim uses for both its filter and its order.
    await runner.query(`DROP INDEX IF EXISTS "${schema}".outbox_message_unpublished`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS outbox_message_published_at
        ON "${schema}".outbox_message (published_at) WHERE published_at IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP INDEX IF EXISTS "${schema}".outbox_message_published_at`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS outbox_message_unpublished
        ON "${schema}".outbox_message (created_at) WHERE published_at IS NULL`);
    await runner.query(`DROP INDEX IF EXISTS "${schema}".outbox_message_due`);
    await runner.query(`
      ALTER TABLE "${schema}".outbox_message DROP COLUMN IF EXISTS parked_at, DROP COLUMN IF EXISTS next_attempt_at`);
  }
}
