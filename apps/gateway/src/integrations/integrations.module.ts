import { Module } from '@nestjs/common';
import { CituroController, CituroWebhookController } from './cituro.controller';
import { CituroService } from './cituro.service';
import { MocoIntegrationController } from './moco-integration.controller';
import { MocoIntegrationService } from './moco-integration.service';

/** api.md §15: integration settings and inbound vendor webhooks, answered by the integration services. */
@Module({
  controllers: [CituroController, CituroWebhookController, MocoIntegrationController],
  providers: [CituroService, MocoIntegrationService],
})
export class IntegrationsModule {}
