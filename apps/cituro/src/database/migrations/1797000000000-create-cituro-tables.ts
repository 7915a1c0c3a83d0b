import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * The cituro service's tables: its run-time settings (one row; secrets encrypted), the lead → Cituro customer
 * mapping, the booking invitations sent (one per command key) and the bookings Cituro reported by webhook.
 */
export class CreateCituroTables1797000000000 implements MigrationInterface {
  name = 'CreateCituroTables1797000000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        base_url text,
        api_key_encrypted text,
        webhook_secret_encrypted text,
        booking_url text,
        service_id text,
        enabled boolean NOT NULL DEFAULT false,
        booking_stage_by_pipeline jsonb NOT NULL DEFAULT '{}'::jsonb,
        email_template_html text,
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".customer_links (
        lead_id uuid PRIMARY KEY,
        customer_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS customer_links_customer_id ON "${schema}".customer_links (customer_id)`,
    );
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".invitations (
        idempotency_key text PRIMARY KEY,
        lead_id uuid NOT NULL,
        deal_id uuid,
        customer_id text NOT NULL,
        mail_idempotency_key text NOT NULL,
        reference text,
        attempts int NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX IF NOT EXISTS invitations_lead_id ON "${schema}".invitations (lead_id)`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".bookings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL,
        event_type text NOT NULL,
        customer_id text,
        lead_id uuid,
        appointment jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT bookings_dedupe_key_unique UNIQUE (dedupe_key)
      )`);
    await runner.query(`CREATE INDEX IF NOT EXISTS bookings_lead_id ON "${schema}".bookings (lead_id)`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS bookings_customer_id ON "${schema}".bookings (customer_id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    for (const table of ['bookings', 'invitations', 'customer_links', 'settings']) {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".${table}`);
    }
  }
}
