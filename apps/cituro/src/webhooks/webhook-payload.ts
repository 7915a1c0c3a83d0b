import { createHash } from 'node:crypto';

/** What this service reads from a Cituro webhook body; the payload is undocumented, so everything is optional. */
export interface CituroWebhookPayload {
  /** `type`, falling back to `event`. */
  type: string | null;
  /** `eventId`, falling back to the SHA-256 of the raw body. */
  dedupeKey: string;
  customerId: string | null;
  /** An email sent with the booking, when Cituro includes one. */
  email: string | null;
  appointment: Record<string, unknown> | null;
}

/** Reads a parsed webhook body defensively (external-apis.md §2.4). */
export function readWebhookPayload(body: Record<string, unknown>, rawBody: Buffer): CituroWebhookPayload {
  const data = objectOr(body.data);
  const booking = objectOr(data?.booking);
  const customer = objectOr(booking?.customer) ?? objectOr(data?.customer);
  const eventId = textOr(body.eventId);
  return {
    type: textOr(body.type) ?? textOr(body.event),
    dedupeKey: eventId
      ? eventId.slice(0, 255)
      : `sha256:${createHash('sha256').update(rawBody).digest('hex')}`,
    customerId: textOr(booking?.customerId) ?? textOr(customer?.id),
    email: textOr(customer?.email) ?? textOr(booking?.email),
    appointment: objectOr(data?.appointment),
  };
}

function objectOr(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function textOr(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
