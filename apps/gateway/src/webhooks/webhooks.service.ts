import { Injectable } from '@nestjs/common';
import {
  CreateWebhookBody,
  ListWebhookDeliveriesQuery,
  ListWebhooksQuery,
  Queries,
  RedeliverWebhooksBody,
  UpdateWebhookBody,
  type CreatedWebhookView,
  type Page,
  type RotatedWebhookSecretView,
  type WebhookDeliveryDetailView,
  type WebhookDeliveryView,
  type WebhookSubscriptionView,
} from '@crm/contracts';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** Outbound webhooks are owned by the webhooks service (api.md §16). */
@Injectable()
export class WebhooksService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<WebhookSubscriptionView>> {
    return this.rpc.request(Queries.WebhooksListSubscriptions, validateInput(ListWebhooksQuery, query));
  }

  get(id: string): Promise<WebhookSubscriptionView> {
    return this.rpc.request(Queries.WebhooksGetSubscription, { id });
  }

  create(body: unknown): Promise<CreatedWebhookView> {
    return this.rpc.request(Queries.WebhooksCreateSubscription, {
      body: validateInput(CreateWebhookBody, body),
    });
  }

  update(id: string, body: unknown): Promise<WebhookSubscriptionView> {
    return this.rpc.request(Queries.WebhooksUpdateSubscription, {
      id,
      body: validateInput(UpdateWebhookBody, body),
    });
  }

  async delete(id: string): Promise<void> {
    await this.rpc.request(Queries.WebhooksDeleteSubscription, { id });
  }

  rotateSecret(id: string): Promise<RotatedWebhookSecretView> {
    return this.rpc.request(Queries.WebhooksRotateSecret, { id });
  }

  sendTest(id: string): Promise<{ delivery_id: string }> {
    return this.rpc.request(Queries.WebhooksSendTest, { id });
  }

  deliveries(id: string, query: unknown): Promise<Page<WebhookDeliveryView>> {
    return this.rpc.request(Queries.WebhooksListDeliveries, {
      subscription_id: id,
      query: validateInput(ListWebhookDeliveriesQuery, query),
    });
  }

  redeliverMany(id: string, body: unknown): Promise<{ queued: number }> {
    return this.rpc.request(Queries.WebhooksRedeliverMany, {
      subscription_id: id,
      body: validateInput(RedeliverWebhooksBody, body),
    });
  }

  delivery(id: string): Promise<WebhookDeliveryDetailView> {
    return this.rpc.request(Queries.WebhooksGetDelivery, { id });
  }

  redeliver(id: string): Promise<WebhookDeliveryView> {
    return this.rpc.request(Queries.WebhooksRedeliver, { id });
  }
}
