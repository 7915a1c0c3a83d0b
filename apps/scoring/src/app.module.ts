import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { ScoringConfig } from './config/scoring.config';
import { databaseOptions } from './database/database.options';
import { JobsModule } from './jobs/jobs.module';
import { RulesModule } from './rules/rules.module';
import { ScoringModule } from './scoring/scoring.module';

import { GdprModule } from './gdpr/gdpr.module';

@Module({
  imports: [
    ConfigModule.forRoot('scoring', ScoringConfig),
    LoggingModule.forRoot('scoring'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'scoring' }),
    GdprModule,
    RulesModule,
    ScoringModule,
    JobsModule,
  ],
})
export class AppModule {}
