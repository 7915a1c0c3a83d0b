import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { SlackConfig } from './config/slack.config';
import { databaseOptions } from './database/database.options';
import { MessagesModule } from './messages/messages.module';

import { GdprModule } from './gdpr/gdpr.module';

@Module({
  imports: [
    ConfigModule.forRoot('slack', SlackConfig),
    LoggingModule.forRoot('slack'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'slack' }),
    GdprModule,
    MessagesModule,
  ],
})
export class AppModule {}
