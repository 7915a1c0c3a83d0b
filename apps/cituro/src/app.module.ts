import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { BookingsModule } from './bookings/bookings.module';
import { CituroConfig } from './config/cituro.config';
import { databaseOptions } from './database/database.options';
import { GdprModule } from './gdpr/gdpr.module';
import { SettingsModule } from './settings/settings.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule.forRoot('cituro', CituroConfig),
    LoggingModule.forRoot('cituro'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'cituro' }),
    SettingsModule,
    GdprModule,
    BookingsModule,
    WebhooksModule,
  ],
})
export class AppModule {}
