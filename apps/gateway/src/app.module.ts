import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { AuthModule } from './auth/auth.module';
import { AutomationRulesModule } from './automation-rules/automation-rules.module';
import { GatewayConfig } from './config/gateway.config';
import { databaseOptions } from './database/database.options';
import { DealsModule } from './deals/deals.module';
import { EventsModule } from './events/events.module';
import { GatewayHealthModule } from './health/gateway-health.module';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { RequestContextInterceptor } from './http/request-context.interceptor';
import { TotalCountInterceptor } from './http/total-count.interceptor';
import { LeadImportsModule } from './lead-imports/lead-imports.module';
import { LeadsModule } from './leads/leads.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { PipelinesModule } from './pipelines/pipelines.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { RedisModule } from './redis/redis.module';
import { ReportsModule } from './reports/reports.module';
import { RoutingModule } from './routing/routing.module';
import { RpcModule } from './rpc/rpc.module';
import { ScoringModule } from './scoring/scoring.module';
import { TasksModule } from './tasks/tasks.module';
import { GdprModule } from './gdpr/gdpr.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { TeamModule } from './team/team.module';
import { TriggersModule } from './triggers/triggers.module';
import { WebUiModule } from './web-ui/web-ui.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule.forRoot('gateway', GatewayConfig),
    LoggingModule.forRoot('gateway'),
    // The gateway serves its own, richer /health and /ready (api.md §2).
    HealthModule.forRoot({ endpoints: false }),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'gateway' }),
    RpcModule,
    RedisModule,
    AuthModule,
    // After AuthModule: its guard resolves the principal the rate limits count by.
    RateLimitsModule,
    IdempotencyModule,
    EventsModule,
    LeadsModule,
    LeadImportsModule,
    PipelinesModule,
    DealsModule,
    ScoringModule,
    RoutingModule,
    TeamModule,
    TasksModule,
    GdprModule,
    IntegrationsModule,
    OrganizationsModule,
    TriggersModule,
    AutomationRulesModule,
    ReportsModule,
    WebhooksModule,
    GatewayHealthModule,
    WebUiModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
    // Outermost first: the request context must wrap everything the handler does.
    { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
    { provide: APP_INTERCEPTOR, useClass: TotalCountInterceptor },
  ],
})
export class AppModule {}
