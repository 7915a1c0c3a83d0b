import { createHash } from 'node:crypto';

/**
 * The Message-ID of the email sent under an idempotency key: the same key always gives the same id, so a
 * duplicate that slipped through anyway (outcome unknown, then a deliberate retry) is recognisable as one.
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<${digest}@${domain}>`;
}
