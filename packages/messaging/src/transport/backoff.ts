import type { ConsumerDefinition } from '@crm/contracts';

/**
 * Delay before the next delivery after delivery `deliveryCount` failed. JetStream's consumer backoff does not
 * apply to nak, so we compute it; a vendor's Retry-After wins when longer and is never scaled.
 */
export function redeliveryDelayMs(
  definition: Pick<ConsumerDefinition, 'backoffMs'>,
  deliveryCount: number,
  scale: number,
  retryAfterMs?: number,
): number {
  const schedule = definition.backoffMs;
  const base = schedule.length ? schedule[Math.min(Math.max(deliveryCount, 1), schedule.length) - 1] : 0;
  return Math.max(Math.round(base * scale), retryAfterMs ?? 0);
}
