import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * The mailer's delivery log: one row per idempotency key. A row is written `sending` (committed) before the SMTP
 * server is called, so a redelivered command knows an email may already have gone out.
 */
export class CreateEmailDelivery1797000000000 implements MigrationInterface {
  name = 'CreateEmailDelivery1797000000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".email_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL,
        reference text,
        lead_id uuid,
        template_key text,
        recipient text,
        recipient_name text,
        subject text,
        html text,
        text text,
        message_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'bounced')),
        attempts int NOT NULL DEFAULT 0,
        attempt_started_at timestamptz,
        smtp_response text,
        smtp_status int,
        error_code text,
        error_message text,
        retryable boolean,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        erased_at timestamptz,
        CONSTRAINT email_delivery_idempotency_key_unique UNIQUE (idempotency_key)
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS email_delivery_lead_id ON "${schema}".email_delivery (lead_id)
         WHERE lead_id IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS "${schemaOf(runner)}".email_delivery`);
  }
}
