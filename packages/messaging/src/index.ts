import { CreateMessagingTables1763900000000 } from './migrations/1763900000000-create-messaging-tables';
import { DeadLetterOncePerMessage1796000000000 } from './migrations/1796000000000-dead-letter-once-per-message';
import { OutboxDeliveryAttempts1796000000100 } from './migrations/1796000000100-outbox-delivery-attempts';
import { InboxPruningIndex1796000000200 } from './migrations/1796000000200-inbox-pruning-index';
import { OutboxPublishOrder1796000000300 } from './migrations/1796000000300-outbox-publish-order';
import { DeadLetterEntity } from './dead-letters/dead-letter.entity';
import { ProcessedMessageEntity } from './inbox/processed-message.entity';
import { OutboxMessageEntity } from './outbox/outbox-message.entity';

export * from './messaging.module';
export * from './nats/namespace';
export * from './nats/nats-client';
export * from './nats/jetstream-pipeline';
export * from './provisioning/stream-provisioner';
export * from './outbox/outbox';
export * from './outbox/outbox-relay';
export * from './outbox/outbox-message.entity';
export * from './inbox/processed-message.entity';
export * from './inbox/inbox.repository';
export * from './dead-letters/dead-letter.entity';
export * from './dead-letters/dead-letter.service';
export * from './rpc/rpc-client';
export * from './rpc/jetstream-publisher';
export * from './transport/messaging-transport';
export * from './transport/decorators';
export * from './transport/message-context';
export * from './transport/message-errors';
export * from './transport/contract-validation.pipe';
export * from './transport/backoff';
export * from './envelope-factory';
export * from './erasure/message-erasure';
export * from './erasure/lead-erasure-participant';
export { CreateMessagingTables1763900000000 };

/** Include first in every service's DatabaseModule entities and migrations. */
export const messagingEntities = [OutboxMessageEntity, ProcessedMessageEntity, DeadLetterEntity];
export const messagingMigrations = [
  CreateMessagingTables1763900000000,
  DeadLetterOncePerMessage1796000000000,
  OutboxDeliveryAttempts1796000000100,
  InboxPruningIndex1796000000200,
  OutboxPublishOrder1796000000300,
];
