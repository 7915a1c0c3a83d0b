import type { WebhookDeliveryDetailView, WebhookDeliveryView } from '@crm/contracts';
import type { DeliveryAttemptEntity } from './delivery-attempt.entity';
import type { DeliveryEntity } from './delivery.entity';

/** api.md §16 delivery (a cancelled one shows as `failed`: the API knows four statuses). */
export function toDeliveryView(d: DeliveryEntity): WebhookDeliveryView {
  return {
    id: d.id,
    subscription_id: d.subscription_id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status === 'cancelled' ? 'failed' : d.status,
    attempts: d.attempts,
    next_attempt_at: d.next_attempt_at?.toISOString() ?? null,
    last_attempt_at: d.last_attempt_at?.toISOString() ?? null,
    response_status: d.response_status,
    response_body_excerpt: d.response_body_excerpt,
    duration_ms: d.duration_ms,
    error: d.status === 'cancelled' ? (d.error ?? 'cancelled: the subscription was deleted') : d.error,
    created_at: d.created_at.toISOString(),
  };
}

/** `GET /webhook-deliveries/:id`: the delivery with its payload and attempt log. */
export function toDeliveryDetailView(
  d: DeliveryEntity,
  attempts: DeliveryAttemptEntity[],
): WebhookDeliveryDetailView {
  return {
    ...toDeliveryView(d),
    payload: JSON.parse(d.body) as unknown,
    attempts: attempts.map((a) => ({
      attempted_at: a.attempted_at.toISOString(),
      response_status: a.response_status,
      duration_ms: a.duration_ms,
      error: a.error,
    })),
  };
}
