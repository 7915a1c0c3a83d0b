import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { MailerConfig } from './config/mailer.config';
import { databaseOptions } from './database/database.options';
import { DeliveryModule } from './delivery/delivery.module';
import { GdprModule } from './gdpr/gdpr.module';
import { TemplatesModule } from './templates/templates.module';

@Module({
  imports: [
    ConfigModule.forRoot('mailer', MailerConfig),
    LoggingModule.forRoot('mailer'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'mailer' }),
    GdprModule,
    TemplatesModule,
    DeliveryModule,
  ],
})
export class AppModule {}
