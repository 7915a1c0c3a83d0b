import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { DeliveriesMessageController } from './deliveries.message-controller';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { DeliveryAttemptsService } from './delivery-attempts.service';
import { DeliveryWorker } from './delivery-worker';
import { FanOutMessageController } from './fan-out.message-controller';
import { FanOutService } from './fan-out.service';
import { FetchWebhookSender } from './sender/fetch-webhook-sender';
import { WebhookSender } from './sender/webhook-sender';

/** Fan-out of domain events into deliveries, the delivery worker and the deliveries API (api.md §16). */
@Module({
  imports: [SubscriptionsModule],
  controllers: [FanOutMessageController, DeliveriesMessageController],
  providers: [
    DeliveriesRepository,
    DeliveriesService,
    DeliveryAttemptsService,
    DeliveryWorker,
    FanOutService,
    { provide: WebhookSender, useClass: FetchWebhookSender },
  ],
  exports: [DeliveriesRepository, FanOutService],
})
export class DeliveriesModule {}
