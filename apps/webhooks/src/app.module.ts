import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { WebhooksConfig } from './config/webhooks.config';
import { databaseOptions } from './database/database.options';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { GdprModule } from './gdpr/gdpr.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';

@Module({
  imports: [
    ConfigModule.forRoot('webhooks', WebhooksConfig),
    LoggingModule.forRoot('webhooks'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'webhooks' }),
    GdprModule,
    SubscriptionsModule,
    DeliveriesModule,
  ],
})
export class AppModule {}
