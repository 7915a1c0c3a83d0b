import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * `updated_at` on trigger runs: when a run last changed (a dispatch, a result), so the sweeper can find runs
 * that have waited too long for a result. Existing rows get their latest known moment.
 */
export class TriggerRunsUpdatedAt1796100000000 implements MigrationInterface {
  name = 'TriggerRunsUpdatedAt1796100000000';

  async up(runner: QueryRunner): Promise<void> {
    const table = `"${schemaOf(runner)}".trigger_runs`;
    await runner.query(
      `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now()`,
    );
    await runner.query(`
      UPDATE ${table} SET updated_at = COALESCE(
        finished_at,
        (SELECT max((step->>'started_at')::timestamptz) FROM jsonb_array_elements(steps) AS step),
        started_at,
        created_at)`);
    // Small: only unfinished runs, which is what the sweeper reads.
    await runner.query(
      `CREATE INDEX IF NOT EXISTS trigger_runs_unfinished ON ${table} (updated_at)
         WHERE status IN ('pending', 'running')`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP INDEX IF EXISTS "${schema}".trigger_runs_unfinished`);
    await runner.query(`ALTER TABLE "${schema}".trigger_runs DROP COLUMN IF EXISTS updated_at`);
  }
}
