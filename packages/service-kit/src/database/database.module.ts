import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, MigrationExecutor, type MixedList, type EntitySchema } from 'typeorm';
import { BaseServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/health.registry';
import {
  databaseTimeoutsOf,
  DEFAULT_DATABASE_TIMEOUTS,
  poolTimeoutOptions,
  type DatabaseTimeouts,
} from './database-timeouts';
import { ensureDatabaseExists } from './ensure-database';
import { TransactionHost } from './transaction-host';

export interface DatabaseModuleOptions {
  /** The service's own PostgreSQL schema; it never reads another's. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export function createDataSource(
  url: string,
  options: DatabaseModuleOptions,
  poolSize = 20,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    poolSize,
    applicationName: options.schema,
    extra: {
      // Raw SQL in repositories resolves unqualified names to the service's own schema.
      options: `-c search_path=${options.schema},public`,
      ...poolTimeoutOptions(timeouts),
    },
  });
}

/** Creates the database and schema if needed and applies committed migrations, one instance at a time. */
export async function initializeDatabase(
  dataSource: DataSource,
  url: string,
  schema: string,
  timeouts: DatabaseTimeouts = DEFAULT_DATABASE_TIMEOUTS,
): Promise<void> {
  await ensureDatabaseExists(url, timeouts);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  const session = (await runner.connect()) as PoolClient;
  try {
    // A migration may run longer than any handler's statement, and so may the wait for another instance's.
    await runner.query('SET statement_timeout = 0');
    await runner.query('SET idle_in_transaction_session_timeout = 0');
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const migrations = new MigrationExecutor(dataSource, runner);
    migrations.transaction = 'each';
    await migrations.executePendingMigrations();
  } finally {
    // Never hand a session without limits back to the pool: close it (which also frees the advisory lock).
    await session.end();
    await runner.release();
  }
}

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  // Runs after messaging drained (beforeApplicationShutdown), so no handler still needs the pool.
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [BaseServiceConfig, HealthRegistry],
          useFactory: async (config: BaseServiceConfig, health: HealthRegistry) => {
            const timeouts = databaseTimeoutsOf(config);
            const dataSource = createDataSource(
              config.DATABASE_URL,
              options,
              config.DATABASE_POOL_SIZE,
              timeouts,
            );
            await initializeDatabase(dataSource, config.DATABASE_URL, options.schema, timeouts);
            health.register('database', async () => {
              await dataSource.query('SELECT 1');
              return true;
            });
            return dataSource;
          },
        },
        TransactionHost,
        DataSourceCloser,
      ],
      exports: [DataSource, TransactionHost],
    };
  }
}
