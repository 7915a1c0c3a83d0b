import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/** The inbox is pruned by age: an index on processed_at keeps that cheap. */
export class InboxPruningIndex1796000000200 implements MigrationInterface {
  name = 'InboxPruningIndex1796000000200';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS processed_message_processed_at ON "${schema}".processed_message (processed_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS "${schemaOf(runner)}".processed_message_processed_at`);
  }
}
