import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { LeadsConfig } from './config/leads.config';
import { databaseOptions } from './database/database.options';
import { DealsModule } from './deals/deals.module';
import { LeadsModule } from './leads/leads.module';
import { PipelineEditsModule } from './pipelines/pipeline-edits.module';
import { PipelinesModule } from './pipelines/pipelines.module';
import { ReportsModule } from './reports/reports.module';
import { RoutingModule } from './routing/routing.module';
import { RuleActionsModule } from './rule-actions/rule-actions.module';
import { TasksModule } from './tasks/tasks.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { LeadActivityModule } from './activity/lead-activity.module';
import { TeamModule } from './team/team.module';
import { GdprModule } from './gdpr/gdpr.module';
import { LeadImportsModule } from './imports/lead-imports.module';
import { CituroBookingsModule } from './cituro-bookings/cituro-bookings.module';
import { MocoEventsModule } from './moco/moco.module';

@Module({
  imports: [
    ConfigModule.forRoot('leads', LeadsConfig),
    LoggingModule.forRoot('leads'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'leads' }),
    LeadsModule,
    PipelinesModule,
    GdprModule,
    PipelineEditsModule,
    DealsModule,
    TeamModule,
    RoutingModule,
    TasksModule,
    RuleActionsModule,
    OrganizationsModule,
    MocoEventsModule,
    LeadActivityModule,
    LeadImportsModule,
    ReportsModule,
    CituroBookingsModule,
  ],
})
export class AppModule {}
