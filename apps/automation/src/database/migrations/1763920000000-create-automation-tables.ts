import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/** Stage triggers and trigger runs (api.md §9). */
export class CreateAutomationTables1763920000000 implements MigrationInterface {
  name = 'CreateAutomationTables1763920000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".stage_triggers (
        id uuid PRIMARY KEY,
        stage_id uuid NOT NULL,
        pipeline_id uuid NOT NULL,
        stage_name text NOT NULL,
        position int NOT NULL,
        action text NOT NULL,
        name text,
        description text,
        "on" text NOT NULL CHECK ("on" IN ('enter', 'exit')),
        conditions jsonb NOT NULL DEFAULT '{}'::jsonb,
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS stage_triggers_stage ON "${schema}".stage_triggers (stage_id, position)`,
    );
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".trigger_runs (
        id uuid PRIMARY KEY,
        trigger_id uuid NOT NULL,
        trigger_name text,
        action text NOT NULL,
        "on" text NOT NULL CHECK ("on" IN ('enter', 'exit')),
        stage_id uuid NOT NULL,
        deal_id uuid,
        lead_id uuid,
        stage_history_id uuid,
        idempotency_key text NOT NULL,
        source text NOT NULL CHECK (source IN ('stage_change', 'manual', 'retry')),
        dry_run boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
        attempts int NOT NULL DEFAULT 0,
        max_attempts int NOT NULL DEFAULT 5,
        next_attempt_at timestamptz,
        error jsonb,
        result jsonb,
        steps jsonb NOT NULL DEFAULT '[]'::jsonb,
        payload jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT trigger_runs_idempotency_key_unique UNIQUE (idempotency_key)
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS trigger_runs_created_at ON "${schema}".trigger_runs (created_at DESC, id DESC)`,
    );
    await runner.query(`CREATE INDEX IF NOT EXISTS trigger_runs_deal ON "${schema}".trigger_runs (deal_id)`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS trigger_runs_stage ON "${schema}".trigger_runs (stage_id)`,
    );
    await runner.query(
      `CREATE INDEX IF NOT EXISTS trigger_runs_trigger ON "${schema}".trigger_runs (trigger_id)`,
    );
    await runner.query(`CREATE INDEX IF NOT EXISTS trigger_runs_status ON "${schema}".trigger_runs (status)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".trigger_runs`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".stage_triggers`);
  }
}
