import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * Run-time Slack settings (api.md §15.6; one row, secrets encrypted) and the alerts raised from domain events
 * (one row per alert key, so an alert is sent once; no message text, no personal data).
 */
export class CreateSettingsAndAlerts1797100000000 implements MigrationInterface {
  name = 'CreateSettingsAndAlerts1797100000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        enabled boolean NOT NULL,
        mode text NOT NULL CHECK (mode IN ('webhook', 'bot')),
        webhook_url_encrypted text,
        bot_token_encrypted text,
        default_channel text,
        channels jsonb NOT NULL DEFAULT '{}'::jsonb,
        alerts jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".alerts (
        alert_key text PRIMARY KEY,
        alert_type text NOT NULL,
        lead_id uuid,
        channel text,
        status text NOT NULL CHECK (status IN ('queued', 'skipped')),
        skip_reason text,
        message_key text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX IF NOT EXISTS alerts_lead_id ON "${schema}".alerts (lead_id)`);
    // The webhook-mode status looks up the latest outcome of a webhook post.
    await runner.query(
      `CREATE INDEX IF NOT EXISTS message_log_mode_updated_at ON "${schema}".message_log (mode, updated_at DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP INDEX IF EXISTS "${schema}".message_log_mode_updated_at`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".alerts`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".settings`);
  }
}
