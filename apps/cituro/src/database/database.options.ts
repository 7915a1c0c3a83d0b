import { messagingEntities, messagingMigrations } from '@crm/messaging';
import type { DatabaseModuleOptions } from '@crm/service-kit';
import { CreateCituroTables1797000000000 } from './migrations/1797000000000-create-cituro-tables';

/** Shared by the AppModule and the migrate script, so both see the same schema, entities and migrations. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'cituro',
  entities: [...messagingEntities],
  migrations: [...messagingMigrations, CreateCituroTables1797000000000],
};
