import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/** Run-time settings (secrets encrypted), CRM → MOCO id mappings and received webhooks (dedupe). */
export class CreateMoco1797000000000 implements MigrationInterface {
  name = 'CreateMoco1797000000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".settings (
        id int PRIMARY KEY CHECK (id = 1),
        subdomain text,
        base_url text,
        api_key_encrypted text,
        webhook_keys_encrypted text,
        enabled boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".mappings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        crm_type text NOT NULL CHECK (crm_type IN ('lead', 'organization', 'deal')),
        crm_id uuid NOT NULL,
        lead_id uuid NOT NULL,
        moco_type text NOT NULL CHECK (moco_type IN ('company', 'contact', 'deal', 'offer', 'project', 'invoice')),
        moco_id bigint NOT NULL,
        invoice_status text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mappings_crm_unique UNIQUE (crm_id, moco_type)
      )`);
    await runner.query(`CREATE INDEX IF NOT EXISTS mappings_lead ON "${schema}".mappings (lead_id)`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS mappings_moco ON "${schema}".mappings (moco_type, moco_id)`,
    );
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".webhook_receipts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        target text NOT NULL,
        event text NOT NULL,
        entity_id text NOT NULL,
        entity_updated_at text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_receipts_dedupe UNIQUE (target, event, entity_id, entity_updated_at)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    for (const table of ['webhook_receipts', 'mappings', 'settings']) {
      await runner.query(`DROP TABLE IF EXISTS "${schema}".${table}`);
    }
  }
}
