import { Module } from '@nestjs/common';
import { WebhookDeliveriesController, WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController, WebhookDeliveriesController],
  providers: [WebhooksService],
})
export class WebhooksModule {}
