import 'reflect-metadata';
import { createDataSource, initializeDatabase, loadConfig } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { databaseOptions } from './database.options';

/** `npm run migrate -w @crm/gateway`: applies the committed migrations without starting the service. */
async function migrate(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  const dataSource = createDataSource(config.DATABASE_URL, databaseOptions, 2);
  try {
    await initializeDatabase(dataSource, config.DATABASE_URL, databaseOptions.schema);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

migrate().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
