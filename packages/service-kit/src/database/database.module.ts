import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { BaseServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/health.registry';
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

export function createDataSource(url: string, options: DatabaseModuleOptions, poolSize = 20): DataSource {
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
    // Raw SQL in repositories resolves unqualified names to the service's own schema.
    extra: { options: `-c search_path=${options.schema},public` },
  });
}

/** Creates the database and schema if needed and applies committed migrations, one instance at a time. */
export async function initializeDatabase(dataSource: DataSource, url: string, schema: string): Promise<void> {
  await ensureDatabaseExists(url);
  await dataSource.initialize();
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`])
      .catch(() => undefined);
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
            const dataSource = createDataSource(config.DATABASE_URL, options, config.DATABASE_POOL_SIZE);
            await initializeDatabase(dataSource, config.DATABASE_URL, options.schema);
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
