import 'reflect-metadata';
import { createDataSource, initializeDatabase, loadConfig } from '@crm/service-kit';
import { SlackConfig } from '../config/slack.config';
import { databaseOptions } from './database.options';

/** `npm run migrate`: creates the database and schema if needed and applies the committed migrations. */
async function migrate(): Promise<void> {
  const config = loadConfig(SlackConfig);
  const dataSource = createDataSource(config.DATABASE_URL, databaseOptions, 2);
  try {
    await initializeDatabase(dataSource, config.DATABASE_URL, databaseOptions.schema);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

migrate().then(
  () => process.stdout.write('slack: migrations applied\n'),
  (error: unknown) => {
    process.stderr.write(
      `slack: migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
