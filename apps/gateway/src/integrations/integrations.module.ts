import { Module } from '@nestjs/common';
import { CituroController, CituroWebhookController } from './cituro.controller';
import { CituroService } from './cituro.service';

/** api.md §15: integration settings and inbound vendor webhooks, answered by the integration services. */
@Module({
  controllers: [CituroController, CituroWebhookController],
  providers: [CituroService],
})
export class IntegrationsModule {}
