import 'reflect-metadata';
import { createDataSource, initializeDatabase, loadConfig } from '@crm/service-kit';
import { ScoringConfig } from '../config/scoring.config';
import { databaseOptions } from './database.options';

/** `npm run migrate`: creates the database/schema if missing and applies the committed migrations (and seeds). */
async function migrate(): Promise<void> {
  const config = loadConfig(ScoringConfig);
  const dataSource = createDataSource(config.DATABASE_URL, databaseOptions);
  try {
    await initializeDatabase(dataSource, config.DATABASE_URL, databaseOptions.schema);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

migrate().then(
  () => process.stdout.write('scoring: migrations applied\n'),
  (error: unknown) => {
    process.stderr.write(
      `scoring: migration failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
