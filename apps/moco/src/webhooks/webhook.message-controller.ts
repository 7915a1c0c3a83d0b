import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Queries, ReceiveMocoWebhookCommand, type MocoWebhookReceipt } from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { MocoWebhookService } from './moco-webhook.service';

@Controller()
export class WebhookMessageController {
  constructor(private readonly webhooks: MocoWebhookService) {}

  @OnRequest(Queries.MocoReceiveWebhook)
  receive(@Payload(ContractValidationPipe) command: ReceiveMocoWebhookCommand): Promise<MocoWebhookReceipt> {
    return this.webhooks.receive(command);
  }
}
