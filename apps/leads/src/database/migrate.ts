import 'reflect-metadata';
import { createDataSource, initializeDatabase, loadConfig } from '@crm/service-kit';
import { LeadsConfig } from '../config/leads.config';
import { databaseOptions } from './database.options';

/** `npm run migrate`: creates the database/schema if needed and applies the committed migrations (and seeds). */
async function migrate(): Promise<void> {
  const config = loadConfig(LeadsConfig);
  const dataSource = createDataSource(config.DATABASE_URL, databaseOptions);
  try {
    await initializeDatabase(dataSource, config.DATABASE_URL, databaseOptions.schema);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

migrate().then(
  () => process.stdout.write('leads: migrations applied\n'),
  (error: unknown) => {
    process.stderr.write(
      `leads: migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
