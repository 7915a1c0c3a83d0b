import type { WebhookSubscriptionView } from '@crm/contracts';
import type { SubscriptionEntity } from './subscription.entity';

/** api.md §16 subscription: never any secret. */
export function toSubscriptionView(s: SubscriptionEntity): WebhookSubscriptionView {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    event_types: s.event_types,
    is_active: s.is_active,
    headers: s.headers,
    disabled_reason: s.disabled_reason,
    last_delivery_at: s.last_delivery_at?.toISOString() ?? null,
    created_at: s.created_at.toISOString(),
    updated_at: s.updated_at.toISOString(),
  };
}
