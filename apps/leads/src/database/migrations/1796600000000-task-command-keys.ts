import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks created by an automation command keep the command's idempotency key, so a redelivered or retried
 * command finds its task instead of creating a second one.
 */
export class TaskCommandKeys1796600000000 implements MigrationInterface {
  name = 'TaskCommandKeys1796600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "leads"."tasks" ADD COLUMN "command_key" varchar(300)`);
    await db.query(`CREATE UNIQUE INDEX "tasks_command_key_uq" ON "leads"."tasks" ("command_key")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "leads"."tasks_command_key_uq"`);
    await db.query(`ALTER TABLE "leads"."tasks" DROP COLUMN "command_key"`);
  }
}
