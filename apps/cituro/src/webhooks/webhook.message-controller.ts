import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Queries, ReceiveCituroWebhookCommand, type CituroWebhookReceipt } from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { WebhookService } from './webhook.service';

@Controller()
export class WebhookMessageController {
  constructor(private readonly webhooks: WebhookService) {}

  @OnRequest(Queries.CituroReceiveWebhook)
  receive(
    @Payload(ContractValidationPipe) command: ReceiveCituroWebhookCommand,
  ): Promise<CituroWebhookReceipt> {
    return this.webhooks.receive(command);
  }
}
