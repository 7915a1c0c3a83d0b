import 'reflect-metadata';
import { createDataSource, initializeDatabase, loadConfig } from '@crm/service-kit';
import { AutomationConfig } from '../config/automation.config';
import { databaseOptions } from './database.options';

/** `npm run migrate`: creates the database and schema if needed and applies the committed migrations. */
async function migrate(): Promise<void> {
  const config = loadConfig(AutomationConfig);
  const dataSource = createDataSource(config.DATABASE_URL, databaseOptions, 2);
  try {
    await initializeDatabase(dataSource, config.DATABASE_URL, databaseOptions.schema);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

migrate().then(
  () => process.stdout.write('automation: migrations applied\n'),
  (error: unknown) => {
    process.stderr.write(
      `automation: migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
