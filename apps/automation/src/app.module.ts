import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { AutomationConfig } from './config/automation.config';
import { databaseOptions } from './database/database.options';
import { RulesModule } from './rules/rules.module';
import { RunsModule } from './runs/runs.module';
import { TriggersModule } from './triggers/triggers.module';

import { GdprModule } from './gdpr/gdpr.module';

@Module({
  imports: [
    ConfigModule.forRoot('automation', AutomationConfig),
    LoggingModule.forRoot('automation'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'automation' }),
    GdprModule,
    TriggersModule,
    RunsModule,
    RulesModule,
  ],
})
export class AppModule {}
