import { Module } from '@nestjs/common';
import { MocoIntegrationController } from './moco-integration.controller';
import { MocoIntegrationService } from './moco-integration.service';

/** api.md §15 integrations the gateway serves (backed by their services over request-reply). */
@Module({
  controllers: [MocoIntegrationController],
  providers: [MocoIntegrationService],
})
export class IntegrationsModule {}
