import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * The order rows were written in: a batch writes many rows in one transaction, all with the same created_at,
 * and the relay must publish them in the order the handler produced them (a lead's messages in event order).
 */
export class OutboxPublishOrder1796000000300 implements MigrationInterface {
  name = 'OutboxPublishOrder1796000000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "${schemaOf(runner)}".outbox_message ADD COLUMN IF NOT EXISTS position bigserial`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${schemaOf(runner)}".outbox_message DROP COLUMN IF EXISTS position`);
  }
}
