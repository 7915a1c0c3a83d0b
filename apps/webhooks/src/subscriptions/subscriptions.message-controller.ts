import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  CreateWebhookCommand,
  ListWebhooksQuery,
  Queries,
  UpdateWebhookCommand,
  type CreatedWebhookView,
  type Page,
  type RotatedWebhookSecretView,
  type WebhookSubscriptionView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { SubscriptionsService } from './subscriptions.service';

@Controller()
export class SubscriptionsMessageController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @OnRequest(Queries.WebhooksListSubscriptions)
  list(@Payload(ContractValidationPipe) query: ListWebhooksQuery): Promise<Page<WebhookSubscriptionView>> {
    return this.subscriptions.list(query);
  }

  @OnRequest(Queries.WebhooksGetSubscription)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<WebhookSubscriptionView> {
    return this.subscriptions.get(query);
  }

  @OnRequest(Queries.WebhooksCreateSubscription)
  create(@Payload(ContractValidationPipe) command: CreateWebhookCommand): Promise<CreatedWebhookView> {
    return this.subscriptions.create(command);
  }

  @OnRequest(Queries.WebhooksUpdateSubscription)
  update(@Payload(ContractValidationPipe) command: UpdateWebhookCommand): Promise<WebhookSubscriptionView> {
    return this.subscriptions.update(command);
  }

  @OnRequest(Queries.WebhooksDeleteSubscription)
  async delete(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<{ deleted: true }> {
    await this.subscriptions.delete(query);
    return { deleted: true };
  }

  @OnRequest(Queries.WebhooksRotateSecret)
  rotateSecret(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<RotatedWebhookSecretView> {
    return this.subscriptions.rotateSecret(query);
  }
}
