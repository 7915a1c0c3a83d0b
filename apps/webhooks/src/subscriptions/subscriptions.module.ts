import { Module } from '@nestjs/common';
import { SecretCipher } from '@crm/service-kit';
import { WebhooksConfig } from '../config/webhooks.config';
import { HostResolver } from './host-resolver';
import { SubscriptionSecrets } from './subscription-secrets';
import { SubscriptionsMessageController } from './subscriptions.message-controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/** Webhook subscriptions and their signing secrets (api.md §16). */
@Module({
  controllers: [SubscriptionsMessageController],
  providers: [
    SubscriptionsRepository,
    SubscriptionsService,
    SubscriptionSecrets,
    HostResolver,
    {
      provide: SecretCipher,
      inject: [WebhooksConfig],
      useFactory: (config: WebhooksConfig) => new SecretCipher(config.encryptionKey()),
    },
  ],
  exports: [SubscriptionsRepository, SubscriptionsService, SubscriptionSecrets, HostResolver],
})
export class SubscriptionsModule {}
