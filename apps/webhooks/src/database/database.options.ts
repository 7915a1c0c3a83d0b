import { messagingEntities, messagingMigrations } from '@crm/messaging';
import type { DatabaseModuleOptions } from '@crm/service-kit';
import { DeliveryAttemptEntity } from '../deliveries/delivery-attempt.entity';
import { DeliveryEntity } from '../deliveries/delivery.entity';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { CreateWebhooks1796700000000 } from './migrations/1796700000000-create-webhooks';

/** Shared by the AppModule and the migrate script, so both see the same schema, entities and migrations. */
export const databaseOptions: DatabaseModuleOptions = {
  schema: 'webhooks',
  entities: [...messagingEntities, SubscriptionEntity, DeliveryEntity, DeliveryAttemptEntity],
  migrations: [...messagingMigrations, CreateWebhooks1796700000000],
};
