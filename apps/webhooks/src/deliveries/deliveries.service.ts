import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  type ByIdQuery,
  type ListWebhookDeliveriesCommand,
  type Page,
  type RedeliverWebhooksCommand,
  type WebhookDeliveryDetailView,
  type WebhookDeliveryView,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { DeliveriesRepository } from './deliveries.repository';
import type { DeliveryEntity } from './delivery.entity';
import { DeliveryWorker } from './delivery-worker';
import { toDeliveryDetailView, toDeliveryView } from './delivery.view';
import { deliveryOf } from './fan-out.service';

/** Deliveries as the API shows them, redeliveries and test events (api.md §16). */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly subscriptions: SubscriptionsService,
    private readonly worker: DeliveryWorker,
    private readonly tx: TransactionHost,
  ) {}

  async list({ subscription_id, query }: ListWebhookDeliveriesCommand): Promise<Page<WebhookDeliveryView>> {
    await this.subscriptions.find(subscription_id);
    return (await this.deliveries.list(subscription_id, query, query)).page(toDeliveryView);
  }

  async get({ id }: ByIdQuery): Promise<WebhookDeliveryDetailView> {
    const delivery = await this.find(id);
    return toDeliveryDetailView(delivery, await this.deliveries.attemptsOf(id));
  }

  /** A new delivery of the same event: same body, same `webhook-id`, its own attempts. */
  redeliver({ id }: ByIdQuery): Promise<WebhookDeliveryView> {
    return this.tx.transaction(async () => {
      const original = await this.find(id);
      const [created] = await this.queueCopies([original]);
      return toDeliveryView((await this.deliveries.findById(created))!);
    });
  }

  redeliverMany({ subscription_id, body }: RedeliverWebhooksCommand): Promise<{ queued: number }> {
    return this.tx.transaction(async () => {
      await this.subscriptions.find(subscription_id);
      const originals = await this.deliveries.findForRedelivery(subscription_id, body);
      return { queued: (await this.queueCopies(originals)).length };
    });
  }

  /** `webhook.test` to one subscription, whatever types it subscribed to. */
  async sendTest({ id }: ByIdQuery): Promise<{ delivery_id: string }> {
    const subscription = await this.subscriptions.find(id);
    const event = {
      id: randomUUID(),
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: { subscription_id: subscription.id, message: 'Test event from DNA ME CRM' },
    };
    const [deliveryId] = await this.deliveries.insertDue([deliveryOf(subscription.id, event)]);
    this.tx.onCommit(() => this.worker.wake());
    return { delivery_id: deliveryId };
  }

  private async queueCopies(originals: DeliveryEntity[]): Promise<string[]> {
    const ids = await this.deliveries.insertDue(
      originals.map((d) => ({
        subscription_id: d.subscription_id,
        event_id: d.event_id,
        event_type: d.event_type,
        body: d.body,
        lead_id: d.lead_id,
        redelivery_of: d.id,
      })),
    );
    if (ids.length) this.tx.onCommit(() => this.worker.wake());
    return ids;
  }

  private async find(id: string): Promise<DeliveryEntity> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery) throw new NotFoundError('Webhook delivery', id);
    return delivery;
  }
}
