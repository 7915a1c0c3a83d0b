import { messagingEntities, messagingMigrations } from '@crm/messaging';
import type { DatabaseModuleOptions } from '@crm/service-kit';
import { MessageLogEntity } from '../messages/message-log.entity';
import { CreateMessageLog1763910000000 } from './migrations/1763910000000-create-message-log';
import { MessageLogSending1796100000000 } from './migrations/1796100000000-message-log-sending';
import { CreateSettingsAndAlerts1797100000000 } from './migrations/1797100000000-create-settings-and-alerts';

/** Shared by the AppModule and the migrate script, so both see the same schema, entities and migrations. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'slack',
  entities: [...messagingEntities, MessageLogEntity],
  migrations: [
    ...messagingMigrations,
    CreateMessageLog1763910000000,
    MessageLogSending1796100000000,
    CreateSettingsAndAlerts1797100000000,
  ],
};
