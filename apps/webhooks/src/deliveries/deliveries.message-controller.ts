import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  ListWebhookDeliveriesCommand,
  Queries,
  RedeliverWebhooksCommand,
  type Page,
  type WebhookDeliveryDetailView,
  type WebhookDeliveryView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { DeliveriesService } from './deliveries.service';

@Controller()
export class DeliveriesMessageController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @OnRequest(Queries.WebhooksListDeliveries)
  list(
    @Payload(ContractValidationPipe) command: ListWebhookDeliveriesCommand,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.deliveries.list(command);
  }

  @OnRequest(Queries.WebhooksGetDelivery)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<WebhookDeliveryDetailView> {
    return this.deliveries.get(query);
  }

  @OnRequest(Queries.WebhooksRedeliver)
  redeliver(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<WebhookDeliveryView> {
    return this.deliveries.redeliver(query);
  }

  @OnRequest(Queries.WebhooksRedeliverMany)
  redeliverMany(
    @Payload(ContractValidationPipe) command: RedeliverWebhooksCommand,
  ): Promise<{ queued: number }> {
    return this.deliveries.redeliverMany(command);
  }

  @OnRequest(Queries.WebhooksSendTest)
  sendTest(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<{ delivery_id: string }> {
    return this.deliveries.sendTest(query);
  }
}
