import { messagingEntities, messagingMigrations } from '@crm/messaging';
import type { DatabaseModuleOptions } from '@crm/service-kit';
import { CreateMoco1797000000000 } from './migrations/1797000000000-create-moco';

/** Shared by the AppModule and the migrate script, so both see the same schema, entities and migrations. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'moco',
  entities: [...messagingEntities],
  migrations: [...messagingMigrations, CreateMoco1797000000000],
};
