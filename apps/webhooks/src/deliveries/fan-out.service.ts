import { Injectable } from '@nestjs/common';
import {
  WEBHOOK_EVENT_TYPE_OF_SUBJECT,
  type MessageEnvelope,
  type WebhookEventSubject,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { SubscriptionsRepository } from '../subscriptions/subscriptions.repository';
import { DeliveriesRepository, type NewDelivery } from './deliveries.repository';
import { DeliveryWorker } from './delivery-worker';
import { leadIdOf, webhookEventOf, type WebhookEvent } from './webhook-event';

/**
 * Domain events (api.md §19) become deliveries: one row per event and active subscription wanting its type, in
 * the consumer's transaction, so an event is acked only once its deliveries are stored. A redelivered event
 * (same message id) adds no row.
 */
@Injectable()
export class FanOutService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
    private readonly tx: TransactionHost,
  ) {}

  async fanOut(subject: WebhookEventSubject, envelopes: MessageEnvelope<object>[]): Promise<void> {
    const type = WEBHOOK_EVENT_TYPE_OF_SUBJECT[subject];
    await this.queue(envelopes.map((envelope) => webhookEventOf(type, envelope)));
  }

  /** Queues events for every active subscription that wants their type. */
  async queue(events: WebhookEvent[]): Promise<void> {
    const types = [...new Set(events.map((event) => event.type))];
    if (!types.length) return;
    const subscriptions = await this.subscriptions.findActiveFor(types);
    const rows: NewDelivery[] = subscriptions.flatMap((subscription) =>
      events
        .filter(
          (event) => subscription.event_types.includes('*') || subscription.event_types.includes(event.type),
        )
        .map((event) => deliveryOf(subscription.id, event)),
    );
    const created = await this.deliveries.insertDue(rows);
    if (created.length) this.tx.onCommit(() => this.worker.wake());
  }
}

export function deliveryOf(subscriptionId: string, event: WebhookEvent): NewDelivery {
  return {
    subscription_id: subscriptionId,
    event_id: event.id,
    event_type: event.type,
    body: JSON.stringify(event),
    lead_id: leadIdOf(event),
  };
}
