import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { SlackConfig } from './config/slack.config';
import { databaseOptions } from './database/database.options';
import { AlertsModule } from './alerts/alerts.module';
import { GdprModule } from './gdpr/gdpr.module';
import { MessagesModule } from './messages/messages.module';
import { SettingsModule } from './settings/settings.module';

@Module({
  imports: [
    ConfigModule.forRoot('slack', SlackConfig),
    LoggingModule.forRoot('slack'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'slack' }),
    SettingsModule,
    GdprModule,
    MessagesModule,
    AlertsModule,
  ],
})
export class AppModule {}
