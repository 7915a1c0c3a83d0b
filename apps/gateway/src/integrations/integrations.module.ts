import { Module } from '@nestjs/common';
import { CituroController, CituroWebhookController } from './cituro.controller';
import { CituroService } from './cituro.service';
import { IntegrationsStatusController } from './integrations-status.controller';
import { IntegrationsStatusService } from './integrations-status.service';
import { MocoIntegrationController } from './moco-integration.controller';
import { MocoIntegrationService } from './moco-integration.service';
import { SlackController } from './slack.controller';
import { SlackService } from './slack.service';

/** api.md §15: integration settings and inbound vendor webhooks, answered by the integration services. */
@Module({
  controllers: [
    IntegrationsStatusController,
    CituroController,
    CituroWebhookController,
    MocoIntegrationController,
    SlackController,
  ],
  providers: [IntegrationsStatusService, CituroService, MocoIntegrationService, SlackService],
})
export class IntegrationsModule {}
