import type { ClassConstructor } from 'class-transformer';
import { loadConfig } from '../config/load-config';
import type { BaseServiceConfig } from '../config/service-config';
import { createDataSource, initializeDatabase, type DatabaseModuleOptions } from './database.module';
import { databaseTimeoutsOf } from './database-timeouts';

/**
 * A service's `npm run migrate`: creates the database and schema if missing and applies its committed
 * migrations (seeds included) without starting the service. Exits non-zero on failure.
 */
export async function runMigrationsCli(
  service: string,
  configClass: ClassConstructor<BaseServiceConfig>,
  options: DatabaseModuleOptions,
): Promise<void> {
  try {
    const config = loadConfig(configClass);
    const timeouts = databaseTimeoutsOf(config);
    const dataSource = createDataSource(config.DATABASE_URL, options, 2, timeouts);
    try {
      await initializeDatabase(dataSource, config.DATABASE_URL, options.schema, timeouts);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
    process.stdout.write(`${service}: migrations applied\n`);
  } catch (error) {
    process.stderr.write(
      `${service}: migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
