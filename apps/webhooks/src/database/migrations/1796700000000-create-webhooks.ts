import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/** Outbound webhook subscriptions, their deliveries (one row per subscription and event) and attempt log. */
export class CreateWebhooks1796700000000 implements MigrationInterface {
  name = 'CreateWebhooks1796700000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".webhook_subscription (
        id uuid PRIMARY KEY,
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        secret_ciphertext text NOT NULL,
        previous_secret_ciphertext text,
        previous_secret_expires_at timestamptz,
        disabled_reason text,
        last_delivery_at timestamptz,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES "${schema}".webhook_subscription (id),
        event_id text NOT NULL,
        event_type text NOT NULL,
        body text NOT NULL,
        lead_id uuid,
        redelivery_of uuid REFERENCES "${schema}".webhook_delivery (id) ON DELETE SET NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'exhausted', 'cancelled')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        claim_token uuid,
        last_attempt_at timestamptz,
        response_status int,
        response_body_excerpt text,
        duration_ms int,
        error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A redelivered event makes one delivery per subscription; explicit redeliveries are rows of their own.
    await runner.query(`
      CREATE UNIQUE INDEX IF NOT EXISTS webhook_delivery_once_per_event
        ON "${schema}".webhook_delivery (subscription_id, event_id) WHERE redelivery_of IS NULL`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS webhook_delivery_due
        ON "${schema}".webhook_delivery (next_attempt_at) WHERE next_attempt_at IS NOT NULL`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS webhook_delivery_of_subscription
        ON "${schema}".webhook_delivery (subscription_id, created_at DESC, id DESC)`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS webhook_delivery_lead ON "${schema}".webhook_delivery (lead_id)
        WHERE lead_id IS NOT NULL`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".webhook_delivery_attempt (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES "${schema}".webhook_delivery (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL,
        response_status int,
        duration_ms int NOT NULL,
        error text
      )`);
    await runner.query(`
      CREATE INDEX IF NOT EXISTS webhook_delivery_attempt_of_delivery
        ON "${schema}".webhook_delivery_attempt (delivery_id, attempted_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".webhook_delivery_attempt`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".webhook_delivery`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".webhook_subscription`);
  }
}
